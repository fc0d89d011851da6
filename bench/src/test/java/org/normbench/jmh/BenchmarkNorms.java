package org.normbench.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.normbench.model.norms.NormRegistry;
import org.openjdk.jmh.Main;

/**
 * Entry point of {@code make jmh} and the norm list of the norm benchmarks. JMH's {@code @Param}
 * takes only constants, so {@link NormForwardBackwardBenchmark} and {@link
 * NormTrainingStepBenchmark} declare {@code norm} with the placeholder {@value
 * #EVERY_REGISTERED_NORM}, and this launcher passes {@code -p norm=<every registered norm>} to
 * JMH's own command line, unless the caller gave {@code -p norm=}. A norm registered with the
 * registry is therefore benchmarked without editing a benchmark. The test-only norms of bench's
 * test resources (names starting {@value #TEST_ONLY_PREFIX}) are left out: they are conformance
 * fixtures, not candidates.
 */
public final class BenchmarkNorms {
    static final String TEST_ONLY_PREFIX = "test_";

    /** The {@code @Param} default of the norm benchmarks, replaced by {@link #main}. */
    public static final String EVERY_REGISTERED_NORM = "every-registered-norm";

    private BenchmarkNorms() {}

    /** Registered norms, built-ins first, without the test fixtures. */
    public static List<String> names() {
        return NormRegistry.names().stream().filter(n -> !n.startsWith(TEST_ONLY_PREFIX)).toList();
    }

    /**
     * The norm a benchmark trial was given; the placeholder means JMH was started directly, without
     * this launcher's norm list.
     */
    static String check(String norm) {
        if (norm.equals(EVERY_REGISTERED_NORM)) {
            throw new IllegalStateException(
                    "norm="
                            + EVERY_REGISTERED_NORM
                            + " is a placeholder: run the benchmark with make jmh (main class "
                            + BenchmarkNorms.class.getName()
                            + "), or pass -p norm=<names> to JMH; registered: "
                            + String.join(", ", names()));
        }
        return norm;
    }

    /** JMH's command line with {@code -p norm=...} added where the caller did not choose norms. */
    static String[] withNorms(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-p") && args[i + 1].startsWith("norm=")) {
                return args;
            }
        }
        List<String> out = new ArrayList<>(Arrays.asList(args));
        out.add("-p");
        out.add("norm=" + String.join(",", names()));
        return out.toArray(String[]::new);
    }

    public static void main(String[] args) throws Exception {
        Main.main(withNorms(args));
    }
}
