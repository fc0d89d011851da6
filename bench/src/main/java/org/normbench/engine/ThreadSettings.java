package org.normbench.engine;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU thread settings libtorch runs with, applied before the engine loads and recorded in every
 * manifest. Why here and in the launcher: OpenMP reads its wait policy from the environment when
 * libtorch is loaded, so {@code bench/bin/cpu-env.sh} exports {@code OMP_WAIT_POLICY=PASSIVE}; the
 * intra-/inter-op thread counts are DJL system properties that must be set before the engine
 * starts, which is what {@link #applyBeforeEngineLoad()} does from {@value #THREADS_ENV} and
 * {@value #INTEROP_ENV}. The measurements behind the defaults: docs/performance.md, section
 * "Threads on a busy machine".
 */
public final class ThreadSettings {
    /**
     * Intra-op threads (libtorch's OpenMP pool); unset: libtorch's default, one per usable core.
     */
    public static final String THREADS_ENV = "NORMBENCH_THREADS";

    /** Inter-op threads; unset: 1 (DJL runs one op at a time, so more only adds idle threads). */
    public static final String INTEROP_ENV = "NORMBENCH_INTEROP_THREADS";

    static final String INTRA_PROPERTY = "ai.djl.pytorch.num_threads";
    static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    /**
     * OpenMP variables that change how libtorch's threads wait, how many there are and where they
     * run.
     */
    public static final List<String> OPENMP_VARIABLES =
            List.of(
                    "OMP_WAIT_POLICY",
                    "GOMP_SPINCOUNT",
                    "OMP_NUM_THREADS",
                    "OMP_PROC_BIND",
                    "OMP_PLACES",
                    "GOMP_CPU_AFFINITY");

    private ThreadSettings() {}

    /**
     * Sets DJL's thread properties from {@value #THREADS_ENV} / {@value #INTEROP_ENV} unless a
     * {@code -D} already set them; inter-op defaults to 1.
     *
     * @throws IllegalArgumentException when a variable is not a positive whole number
     */
    public static void applyBeforeEngineLoad() {
        setIfAbsent(INTRA_PROPERTY, THREADS_ENV, null);
        setIfAbsent(INTEROP_PROPERTY, INTEROP_ENV, "1");
    }

    private static void setIfAbsent(String property, String env, String fallback) {
        if (System.getProperty(property) != null) {
            return;
        }
        String v = System.getenv(env);
        if (v == null || v.isBlank()) {
            if (fallback != null) {
                System.setProperty(property, fallback);
            }
            return;
        }
        System.setProperty(property, String.valueOf(positive(env, v)));
    }

    static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + "='" + value + "': allowed: a whole number >= 1");
    }

    /**
     * What the manifest records under {@code threads}: the counts libtorch reports (after the
     * engine loaded), the OpenMP environment, the usable cores and the CPU affinity list.
     */
    public static Map<String, Object> describe() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("intra_op", engineThreads(true));
        t.put("inter_op", engineThreads(false));
        t.put("requested_intra_op", Integer.getInteger(INTRA_PROPERTY));
        t.put("requested_inter_op", Integer.getInteger(INTEROP_PROPERTY));
        for (String k : OPENMP_VARIABLES) {
            t.put(k, System.getenv(k));
        }
        t.put("available_processors", Runtime.getRuntime().availableProcessors());
        t.put("cpus_allowed", cpusAllowed());
        return t;
    }

    /** libtorch's current thread count, or null where the engine is not loaded or not PyTorch. */
    private static Integer engineThreads(boolean intra) {
        try {
            TorchRuntime.engine();
            return intra ? JniUtils.getNumThreads() : JniUtils.getNumInteropThreads();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * The kernel's {@code Cpus_allowed_list} of this process (e.g. {@code 0-1}), or null off Linux.
     */
    static String cpusAllowed() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }
}
