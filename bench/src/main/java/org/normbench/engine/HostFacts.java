package org.normbench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Facts about the CPU that decide whether two runs can agree bit for bit: the model string, the
 * instruction-set level oneDNN dispatches its convolutions to, and the one ATen dispatches its
 * other CPU kernels to. Why derived here and not asked from oneDNN: oneDNN only reports its ISA
 * through {@code ONEDNN_VERBOSE} output at its first primitive, which a running JVM cannot switch
 * on; both libraries choose the highest level whose CPU flags are all present, capped by {@code
 * DNNL_MAX_CPU_ISA}/{@code ONEDNN_MAX_CPU_ISA} and {@code ATEN_CPU_CAPABILITY}, and that rule is
 * applied here to {@code /proc/cpuinfo}. {@code HostFactsTest} checks it against oneDNN's own
 * verbose line. Unknown values are null, never guessed.
 */
public final class HostFacts {
    private static final Set<String> AVX2 = Set.of("sse4_1", "avx", "avx2", "fma");
    private static final Set<String> AVX512 =
            union(AVX2, Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"));
    private static final Set<String> AVX512_FP16 =
            union(AVX512, Set.of("avx512_vnni", "avx512_bf16", "avx512_fp16"));

    /**
     * oneDNN 3.x CPU ISA levels, lowest first, each with every cpuinfo flag it needs. Not a chain:
     * an AVX-512 CPU without AVX-VNNI (Skylake-X) has avx512_core but not avx2_vnni.
     */
    static final List<Map.Entry<String, Set<String>>> ONEDNN_LEVELS =
            List.of(
                    Map.entry("sse41", Set.of("sse4_1")),
                    Map.entry("avx", Set.of("sse4_1", "avx")),
                    Map.entry("avx2", AVX2),
                    Map.entry("avx2_vnni", union(AVX2, Set.of("avx_vnni"))),
                    Map.entry("avx512_core", AVX512),
                    Map.entry("avx512_core_vnni", union(AVX512, Set.of("avx512_vnni"))),
                    Map.entry(
                            "avx512_core_bf16",
                            union(AVX512, Set.of("avx512_vnni", "avx512_bf16"))),
                    Map.entry("avx10_1_512", AVX512_FP16),
                    Map.entry(
                            "avx10_1_512_amx",
                            union(AVX512_FP16, Set.of("amx_tile", "amx_int8", "amx_bf16"))),
                    Map.entry(
                            "avx10_1_512_amx_fp16",
                            union(
                                    AVX512_FP16,
                                    Set.of("amx_tile", "amx_int8", "amx_bf16", "amx_fp16"))));

    /** Older oneDNN spellings users may put in DNNL_MAX_CPU_ISA, mapped to the names above. */
    private static final Map<String, String> ONEDNN_ALIASES =
            Map.of(
                    "avx512_core_fp16", "avx10_1_512",
                    "avx512_core_amx", "avx10_1_512_amx",
                    "avx512_core_amx_fp16", "avx10_1_512_amx_fp16");

    private HostFacts() {}

    /**
     * The {@code cpu} block of a manifest: model, flags-derived ISA levels and where they came
     * from.
     */
    public static Map<String, Object> cpu() {
        Set<String> flags = cpuFlags();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", cpuinfoField("model name"));
        c.put("vendor", cpuinfoField("vendor_id"));
        c.put("family_model_stepping", familyModelStepping());
        String cap =
                firstNonBlank(
                        System.getenv("ONEDNN_MAX_CPU_ISA"), System.getenv("DNNL_MAX_CPU_ISA"));
        c.put("onednn_isa", flags.isEmpty() ? null : onednnIsa(flags, cap));
        c.put(
                "aten_cpu_capability",
                flags.isEmpty()
                        ? null
                        : atenCapability(flags, System.getenv("ATEN_CPU_CAPABILITY")));
        c.put(
                "isa_source",
                "derived from /proc/cpuinfo flags with oneDNN's and ATen's dispatch rules"
                        + (cap == null
                                ? ""
                                : ", capped by DNNL_MAX_CPU_ISA/ONEDNN_MAX_CPU_ISA=" + cap));
        List<String> simd = new ArrayList<>();
        for (String f : flags) {
            if (f.startsWith("avx")
                    || f.startsWith("amx")
                    || f.equals("fma")
                    || f.startsWith("sse4")) {
                simd.add(f);
            }
        }
        c.put("simd_flags", simd);
        return c;
    }

    /**
     * The highest oneDNN level whose flags are all present, at most {@code cap} (a level name, any
     * case).
     */
    static String onednnIsa(Set<String> flags, String capOrNull) {
        String cap =
                capOrNull == null
                        ? null
                        : ONEDNN_ALIASES.getOrDefault(
                                capOrNull.toLowerCase(Locale.ROOT),
                                capOrNull.toLowerCase(Locale.ROOT));
        String best = "generic";
        for (Map.Entry<String, Set<String>> level : ONEDNN_LEVELS) {
            if (flags.containsAll(level.getValue())) {
                best = level.getKey();
            }
            if (level.getKey().equals(cap)) {
                break;
            }
        }
        return best;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    /**
     * ATen's CPU capability: avx512 needs AVX-512 F/BW/VL/DQ, avx2 needs AVX2 and FMA; capped by
     * ATEN_CPU_CAPABILITY.
     */
    static String atenCapability(Set<String> flags, String capOrNull) {
        String best =
                flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))
                        ? "avx512"
                        : flags.containsAll(Set.of("avx2", "fma")) ? "avx2" : "default";
        if (capOrNull == null || capOrNull.isBlank()) {
            return best;
        }
        List<String> order = List.of("default", "avx2", "avx512");
        int cap = order.indexOf(capOrNull.trim().toLowerCase(Locale.ROOT));
        return cap < 0 || cap >= order.indexOf(best) ? best : order.get(cap);
    }

    /** The 1-, 5- and 15-minute load averages from /proc/loadavg, or null off Linux. */
    public static List<Double> loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(
                    Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static Set<String> cpuFlags() {
        String line = cpuinfoField("flags");
        return line == null ? Set.of() : new TreeSet<>(Arrays.asList(line.split("\\s+")));
    }

    private static String familyModelStepping() {
        String f = cpuinfoField("cpu family");
        String m = cpuinfoField("model");
        String s = cpuinfoField("stepping");
        return f == null ? null : f + "/" + m + "/" + s;
    }

    /** The first processor's value of {@code key} in /proc/cpuinfo, or null. */
    static String cpuinfoField(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
