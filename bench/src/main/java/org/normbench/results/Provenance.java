package org.normbench.results;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.normbench.engine.NativeStack;
import org.normbench.engine.Versions;

/**
 * Collects what a run's {@code manifest.json} records about where and with what it ran: git
 * revision, versions, host, GPUs, allocator settings, torch threads. Unknown values are null, never
 * guessed. Not the manifest itself: the runner adds grid, run id, times and seeds.
 */
public final class Provenance {
    /**
     * Environment variables that change libtorch's speed (or, for oneDNN's ISA, its results) on
     * CPU; recorded verbatim.
     */
    public static final List<String> ALLOCATOR_VARIABLES =
            List.of(
                    "NORMBENCH_MALLOC",
                    "MALLOC_MMAP_THRESHOLD_",
                    "MALLOC_TRIM_THRESHOLD_",
                    "MALLOC_TOP_PAD_",
                    "MALLOC_ARENA_MAX",
                    "LD_PRELOAD",
                    "DNNL_MAX_CPU_ISA",
                    "OMP_NUM_THREADS");

    private Provenance() {}

    public static Map<String, Object> git() {
        Map<String, Object> git = new LinkedHashMap<>();
        String commit = Versions.gitCommit();
        git.put("commit", "unknown".equals(commit) ? null : commit);
        git.put("dirty", Versions.gitDirty());
        return git;
    }

    public static Map<String, Object> versions(Engine engine) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("normbench", Versions.normbench());
        v.put("djl", Versions.djl());
        v.put("engine", engine.getEngineName());
        // The libtorch actually loaded (read from its install, not DJL's pinned string), its JNI,
        // CUDA runtime, cuDNN, GPU and driver.
        v.putAll(NativeStack.describe(engine));
        v.put("java", Versions.java());
        return v;
    }

    public static Map<String, Object> host() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put(
                "os",
                System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.version")
                        + " ("
                        + System.getProperty("os.arch")
                        + ")");
        h.put("cpu", cpuModel());
        h.put("cpu_threads", Runtime.getRuntime().availableProcessors());
        h.put("memory_bytes", totalMemoryBytes());
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            name = null;
        }
        h.put("hostname", name);
        return h;
    }

    public static List<Map<String, Object>> gpus(Engine engine) {
        List<Map<String, Object>> out = new ArrayList<>();
        int n = engine.getGpuCount();
        String driver = n > 0 ? nvidiaSmi("--query-gpu=driver_version") : null;
        List<String> names =
                n > 0
                        ? List.of(String.valueOf(nvidiaSmi("--query-gpu=name")).split("\n"))
                        : List.of();
        for (int i = 0; i < n; i++) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("index", i);
            g.put(
                    "name",
                    i < names.size() && !"null".equals(names.get(i)) ? names.get(i).trim() : null);
            Long mem = null;
            try {
                MemoryUsage usage = CudaUtils.getGpuMemory(Device.gpu(i));
                mem = usage.getMax();
            } catch (RuntimeException e) {
                // unknown memory stays null
            }
            g.put("memory_bytes", mem);
            final int idx = i;
            g.put("compute_capability", safe(() -> CudaUtils.getComputeCapability(idx)));
            g.put("driver", driver == null ? null : driver.split("\n")[0].trim());
            g.put("cuda", safe(CudaUtils::getCudaVersionString));
            out.add(g);
        }
        return out;
    }

    public static Map<String, Object> allocator() {
        Map<String, Object> a = new LinkedHashMap<>();
        for (String k : ALLOCATOR_VARIABLES) {
            a.put(k, System.getenv(k));
        }
        return a;
    }

    public static Map<String, Object> torchThreads() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("intra_op", Integer.getInteger("ai.djl.pytorch.num_threads"));
        t.put("inter_op", Integer.getInteger("ai.djl.pytorch.num_interop_threads"));
        return t;
    }

    /** CPU model from /proc/cpuinfo, or null where that file does not exist. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }

    static Long totalMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }

    private static String nvidiaSmi(String query) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", query, "--format=csv,noheader").start();
            p.getOutputStream().close();
            String out =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String safe(Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return null;
        }
    }
}
