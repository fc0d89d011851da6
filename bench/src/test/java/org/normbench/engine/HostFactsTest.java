package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.normbench.cli.NormbenchCli;

/**
 * The ISA level the manifest records is derived from /proc/cpuinfo (HostFacts' class comment says
 * why); here it is checked against what oneDNN itself reports with ONEDNN_VERBOSE on this machine,
 * and the derivation rule against known CPUs' flags.
 */
class HostFactsTest {
    /** oneDNN 3.7's verbose ISA descriptions, longest first (they are prefixes of each other). */
    private static final Map<String, String> VERBOSE = new LinkedHashMap<>();

    static {
        VERBOSE.put(
                "Intel AVX-512 with float16, Intel DL Boost and bfloat16 support and Intel AMX with bfloat16, float16 and 8-bit integer support",
                "avx10_1_512_amx_fp16");
        VERBOSE.put(
                "Intel AVX-512 with float16, Intel DL Boost and bfloat16 support and Intel AMX with bfloat16 and 8-bit integer support",
                "avx10_1_512_amx");
        VERBOSE.put(
                "Intel AVX-512 with float16, Intel DL Boost and bfloat16 support", "avx10_1_512");
        VERBOSE.put("Intel AVX-512 with Intel DL Boost and bfloat16 support", "avx512_core_bf16");
        VERBOSE.put("Intel AVX-512 with Intel DL Boost", "avx512_core_vnni");
        VERBOSE.put(
                "Intel AVX-512 with AVX512BW, AVX512VL, and AVX512DQ extensions", "avx512_core");
        VERBOSE.put("Intel AVX2 with Intel DL Boost", "avx2_vnni");
        VERBOSE.put("Intel AVX2", "avx2");
        VERBOSE.put("Intel AVX", "avx");
        VERBOSE.put("Intel SSE4.1", "sse41");
    }

    @Test
    void derivedOnednnIsaIsWhatOnednnReportsOnThisMachine() throws Exception {
        Object derived = HostFacts.cpu().get("onednn_isa");
        assumeTrue(derived != null, "no /proc/cpuinfo flags on this OS");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                "-Dai.djl.offline=true",
                                NormbenchCli.class.getName(),
                                "doctor")
                        .redirectErrorStream(true);
        pb.environment().put("ONEDNN_VERBOSE", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        Matcher m = Pattern.compile("onednn_verbose,(?:v1,)?info,cpu,isa:(.*)").matcher(out);
        assertTrue(m.find(), "oneDNN printed its ISA:\n" + out);
        String isa = m.group(1).trim();
        String reported =
                VERBOSE.entrySet().stream()
                        .filter(e -> isa.startsWith(e.getKey()))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("unknown oneDNN ISA text: " + isa));
        assertEquals(reported, derived, "oneDNN says: " + isa);
    }

    @Test
    void derivationFollowsTheFlagsAndTheCap() {
        Set<String> zen3 = Set.of("sse4_1", "avx", "avx2", "fma");
        Set<String> skylakeX =
                Set.of(
                        "sse4_1",
                        "avx",
                        "avx2",
                        "fma",
                        "avx512f",
                        "avx512bw",
                        "avx512vl",
                        "avx512dq");
        Set<String> sapphireRapids =
                Set.of(
                        "sse4_1",
                        "avx",
                        "avx2",
                        "fma",
                        "avx_vnni",
                        "avx512f",
                        "avx512bw",
                        "avx512vl",
                        "avx512dq",
                        "avx512_vnni",
                        "avx512_bf16",
                        "avx512_fp16",
                        "amx_tile",
                        "amx_int8",
                        "amx_bf16");
        assertEquals("avx2", HostFacts.onednnIsa(zen3, null));
        assertEquals("avx512_core", HostFacts.onednnIsa(skylakeX, null));
        assertEquals("avx10_1_512_amx", HostFacts.onednnIsa(sapphireRapids, null));
        assertEquals("avx2", HostFacts.onednnIsa(sapphireRapids, "AVX2"));
        assertEquals("avx10_1_512_amx", HostFacts.onednnIsa(sapphireRapids, "avx512_core_amx"));
        assertEquals("avx2", HostFacts.atenCapability(zen3, null));
        assertEquals("avx512", HostFacts.atenCapability(skylakeX, null));
        assertEquals("avx2", HostFacts.atenCapability(skylakeX, "avx2"));
        assertEquals("avx2", HostFacts.atenCapability(zen3, "avx512"));
    }
}
