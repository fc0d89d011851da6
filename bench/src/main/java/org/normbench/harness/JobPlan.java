package org.normbench.harness;

import java.util.Locale;

/**
 * How many cells run at once ({@code --jobs N}, or the grid's {@code jobs}) and how many libtorch
 * intra-op threads each gets. On CPU the jobs split the cores: {@code cores / jobs} threads per
 * cell (at least 1), unless {@code --threads} says otherwise. {@code auto}: on CPU one cell per
 * core with one thread each (small models are bound by per-op overhead, which more threads do not
 * shorten), bounded by memory; with GPUs, up to {@value #AUTO_CELLS_PER_GPU} cells per GPU, bounded
 * by the GPU memory and the host cores. Pure arithmetic: the caller supplies cores, GPUs and
 * memory, so it is testable anywhere.
 */
public record JobPlan(int jobs, int threadsPerJob, String reason) {
    /** Memory one CPU or GPU cell is assumed to need when deciding {@code auto}. */
    public static final long CELL_FOOTPRINT_BYTES = 2L << 30;

    static final int AUTO_CELLS_PER_GPU = 8;

    public JobPlan {
        if (jobs < 1 || threadsPerJob < 1) {
            throw new IllegalArgumentException(
                    "jobs and threads per job must be >= 1, got " + jobs + ", " + threadsPerJob);
        }
    }

    /** One cell at a time with the engine's default threads: the plain sequential run. */
    public static JobPlan sequential(int threads) {
        return new JobPlan(1, Math.max(1, threads), "one cell at a time");
    }

    /**
     * @param spec {@code null} (1), a positive number, or {@code auto}
     * @param threads intra-op threads per cell, or null for {@code cores / jobs}
     * @param gpuMemoryBytes memory of the smallest visible GPU (ignored without GPUs)
     * @throws IllegalArgumentException naming the bad value and the allowed forms
     */
    public static JobPlan resolve(
            String spec,
            Integer threads,
            int cores,
            int gpus,
            long hostMemoryBytes,
            long gpuMemoryBytes) {
        int c = Math.max(1, cores);
        int jobs;
        String reason;
        if (spec == null || spec.isBlank()) {
            jobs = 1;
            reason = "one cell at a time";
        } else if (spec.trim().equalsIgnoreCase("auto")) {
            if (gpus > 0) {
                long byMemory = Math.max(1, gpuMemoryBytes / CELL_FOOTPRINT_BYTES);
                jobs =
                        (int)
                                Math.max(
                                        1,
                                        Math.min(c, gpus * Math.min(AUTO_CELLS_PER_GPU, byMemory)));
                reason =
                        String.format(
                                Locale.ROOT,
                                "auto: %d GPU(s) x up to %d cells (GPU memory / %d GiB per cell), at most %d host cores",
                                gpus,
                                Math.min(AUTO_CELLS_PER_GPU, byMemory),
                                CELL_FOOTPRINT_BYTES >> 30,
                                c);
            } else {
                long byMemory = Math.max(1, hostMemoryBytes / CELL_FOOTPRINT_BYTES);
                jobs = (int) Math.max(1, Math.min(c, byMemory));
                reason =
                        String.format(
                                Locale.ROOT,
                                "auto: one cell per core (%d), at most host memory / %d GiB per cell",
                                c,
                                CELL_FOOTPRINT_BYTES >> 30);
            }
        } else {
            try {
                jobs = Integer.parseInt(spec.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "jobs must be a whole number >= 1 or 'auto', got '" + spec + "'");
            }
            if (jobs < 1) {
                throw new IllegalArgumentException(
                        "jobs must be a whole number >= 1 or 'auto', got '" + spec + "'");
            }
            reason = jobs == 1 ? "one cell at a time" : jobs + " cells at once";
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        int perJob = threads != null ? threads : Math.max(1, c / jobs);
        return new JobPlan(
                jobs,
                perJob,
                reason
                        + String.format(
                                Locale.ROOT,
                                ", %d intra-op thread%s each%s",
                                perJob,
                                perJob == 1 ? "" : "s",
                                threads != null
                                        ? " (--threads)"
                                        : " (" + c + " cores / " + jobs + ")"));
    }
}
