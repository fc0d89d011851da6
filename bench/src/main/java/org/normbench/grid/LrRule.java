package org.normbench.grid;

import java.util.Arrays;
import java.util.List;

/**
 * The learning-rate rule of a cell, the one place it is written down: the peak learning rate for a
 * batch size under the grid's {@link Protocol}, a linear warm-up over {@code warmupFraction} of the
 * steps, then the named schedule. The grid records it and the training loop runs it ({@code
 * TrainConfig} holds this record), so the logged {@code lr} is the trained one. Not an optimizer
 * and not the per-step schedule ({@code org.normbench.train.LrSchedule}).
 */
public record LrRule(
        double baseLr,
        int referenceBatchSize,
        double warmupFraction,
        String schedule,
        Protocol protocol) {

    /** Schedules a grid may name; the training loop implements each. */
    public static final List<String> SCHEDULES = List.of("cosine", "constant");

    public static final LrRule DEFAULT =
            new LrRule(0.1, 128, 0.0, "cosine", Protocol.LINEAR_SCALING);

    /** How the peak learning rate follows the batch size (grid key {@code lr_protocol}). */
    public enum Protocol {
        /**
         * {@code baseLr * batchSize / referenceBatchSize} (Goyal et al. 2017; Wu & He 2018 use the
         * same rule): every batch size gets the same lr per image.
         */
        LINEAR_SCALING("linear_scaling"),
        /**
         * {@code baseLr} at every batch size, as fast.ai's lesson runs its batch-size experiment.
         */
        FIXED("fixed");

        private final String key;

        Protocol(String key) {
            this.key = key;
        }

        /** The name a grid file and cells.csv use. */
        public String key() {
            return key;
        }

        public static List<String> keys() {
            return Arrays.stream(values()).map(Protocol::key).toList();
        }

        /**
         * @throws IllegalArgumentException for an unknown name, listing the allowed ones
         */
        public static Protocol of(String key) {
            for (Protocol p : values()) {
                if (p.key.equals(key)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(
                    "unknown lr_protocol '" + key + "'; allowed: " + String.join(", ", keys()));
        }
    }

    public LrRule {
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("baseLr must be > 0, got " + baseLr);
        }
        if (referenceBatchSize < 1) {
            throw new IllegalArgumentException(
                    "referenceBatchSize must be >= 1, got " + referenceBatchSize);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException(
                    "warmupFraction must be in [0, 1), got " + warmupFraction);
        }
        if (!SCHEDULES.contains(schedule)) {
            throw new IllegalArgumentException(
                    "unknown schedule '"
                            + schedule
                            + "'; allowed: "
                            + String.join(", ", SCHEDULES));
        }
        if (protocol == null) {
            throw new IllegalArgumentException(
                    "lr protocol is required; allowed: " + String.join(", ", Protocol.keys()));
        }
    }

    /** A rule under the default protocol, {@link Protocol#LINEAR_SCALING}. */
    public LrRule(double baseLr, int referenceBatchSize, double warmupFraction, String schedule) {
        this(baseLr, referenceBatchSize, warmupFraction, schedule, Protocol.LINEAR_SCALING);
    }

    /**
     * Peak learning rate for {@code batchSize} under the protocol: {@code baseLr * batchSize /
     * referenceBatchSize} when scaling linearly, {@code baseLr} when fixed.
     */
    public double scaledLr(int batchSize) {
        return switch (protocol) {
            case LINEAR_SCALING -> baseLr * batchSize / referenceBatchSize;
            case FIXED -> baseLr;
        };
    }
}
