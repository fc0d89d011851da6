package org.normbench.grid;

import java.util.List;

/**
 * The learning-rate rule of a cell: {@code baseLr} at {@code referenceBatchSize}, scaled linearly
 * with the batch size (Goyal et al. 2017; Wu & He 2018 use the same rule), a linear warm-up over
 * {@code warmupFraction} of the steps, then the named schedule. Not an optimizer.
 */
public record LrRule(double baseLr, int referenceBatchSize, double warmupFraction, String schedule) {

    /** Schedules a grid may name; the training loop implements each. */
    public static final List<String> SCHEDULES = List.of("cosine", "constant");

    public static final LrRule DEFAULT = new LrRule(0.1, 128, 0.0, "cosine");

    public LrRule {
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("baseLr must be > 0, got " + baseLr);
        }
        if (referenceBatchSize < 1) {
            throw new IllegalArgumentException("referenceBatchSize must be >= 1, got " + referenceBatchSize);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warmupFraction must be in [0, 1), got " + warmupFraction);
        }
        if (!SCHEDULES.contains(schedule)) {
            throw new IllegalArgumentException("unknown schedule '" + schedule + "'; allowed: " + String.join(", ", SCHEDULES));
        }
    }

    /** Peak learning rate for {@code batchSize}: {@code baseLr * batchSize / referenceBatchSize}. */
    public double scaledLr(int batchSize) {
        return baseLr * batchSize / referenceBatchSize;
    }
}
