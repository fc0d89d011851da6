package org.normbench.train;

import ai.djl.Device;
import org.normbench.grid.Budget;
import org.normbench.grid.CellSpec;
import org.normbench.grid.LrRule;
import org.normbench.grid.OptimizerSettings;
import org.normbench.hooks.ActivationStats;
import org.normbench.hooks.HistogramSpec;

/**
 * Flat, immutable settings of one training run (nanoGPT style: every knob visible in one place).
 * The budget is {@code maxSteps} when positive, else {@code epochs} (fractional allowed) times the
 * steps of one epoch. The learning rate follows {@code lrRule} ({@link LrRule}, the grid's record
 * of it: protocol, warm-up, schedule), so what a run logs and what it trains with come from one
 * rule; the optimizer settings are the grid's record too ({@link OptimizerSettings}). A grid cell's
 * config is {@link #of(CellSpec, Device)}. Validated once, here. Build with {@link #builder()};
 * {@link Builder} holds the project defaults (SGD momentum 0.9, weight decay 5e-4, base lr 0.1 at
 * batch 128 scaled linearly, 10% warm-up).
 *
 * @param statsEverySteps capture activation statistics every N training steps (0 = never)
 * @param statsLayers probe names or globs to hook, comma-separated (default {@code stem,layer*})
 * @param statsDeadWindow logged steps a channel must stay exactly 0 to count as dead over the
 *     window
 * @param validateEverySteps validate every N steps; 0 = only at the end of the fit
 * @param logEverySteps one curve point every N steps (the last step is always logged)
 * @param divergenceLossBound a loss above this (or NaN/inf) stops the fit as diverged
 * @param lrRule peak lr by protocol, warm-up and schedule ({@code cosine} or {@code constant})
 */
public record TrainConfig(
        int batchSize,
        double epochs,
        int maxSteps,
        LrRule lrRule,
        OptimizerSettings optimizer,
        long seed,
        Device device,
        double divergenceLossBound,
        int timerWarmupSteps,
        int validateEverySteps,
        int statsEverySteps,
        String statsLayers,
        int statsDeadWindow,
        HistogramSpec histogram,
        int logEverySteps,
        boolean progress) {

    public TrainConfig {
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
        require(maxSteps >= 0, "maxSteps", maxSteps, ">= 0 (0 = use epochs)");
        require(
                maxSteps > 0 || (epochs > 0 && Double.isFinite(epochs)),
                "epochs",
                epochs,
                "> 0 when maxSteps is 0");
        require(lrRule != null, "lrRule", lrRule, "an LrRule");
        require(optimizer != null, "optimizer", optimizer, "an OptimizerSettings");
        require(device != null, "device", device, "a DJL device");
        require(divergenceLossBound > 0, "divergenceLossBound", divergenceLossBound, "> 0");
        require(timerWarmupSteps >= 0, "timerWarmupSteps", timerWarmupSteps, ">= 0");
        require(validateEverySteps >= 0, "validateEverySteps", validateEverySteps, ">= 0");
        require(statsEverySteps >= 0, "statsEverySteps", statsEverySteps, ">= 0 (0 = off)");
        require(
                statsLayers != null && !statsLayers.isBlank(),
                "statsLayers",
                statsLayers,
                "a probe name or glob");
        require(statsDeadWindow >= 1, "statsDeadWindow", statsDeadWindow, ">= 1");
        require(histogram != null, "histogram", histogram, "a HistogramSpec");
        require(logEverySteps >= 1, "logEverySteps", logEverySteps, ">= 1");
    }

    private static void require(boolean ok, String field, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "train config: " + field + "=" + value + " is invalid; allowed: " + allowed);
        }
    }

    /** The peak learning rate at this batch size, under the rule's protocol. */
    public double lr() {
        return lrRule.scaledLr(batchSize);
    }

    public double warmupFraction() {
        return lrRule.warmupFraction();
    }

    public String schedule() {
        return lrRule.schedule();
    }

    /** Total optimizer steps for a training set giving {@code stepsPerEpoch} full batches. */
    public int totalSteps(int stepsPerEpoch) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        return (int) Math.max(1, Math.ceil(epochs * stepsPerEpoch));
    }

    /**
     * The training config of a grid cell on {@code device}: the single place where a cell's
     * settings become training settings ({@code progress} off; the harness adds its own display).
     */
    public static TrainConfig of(CellSpec cell, Device device) {
        Builder b =
                builder()
                        .batchSize(cell.batchSize())
                        .lrRule(cell.lr())
                        .optimizer(cell.optimizer())
                        .seed(cell.seed())
                        .device(device)
                        .divergenceLossBound(cell.divergenceLoss())
                        .timerWarmupSteps(Math.min(10, cell.throughput().warmupSteps()))
                        .validateEverySteps(cell.validateEverySteps())
                        .statsEverySteps(cell.hooks().enabled() ? cell.hooks().everySteps() : 0)
                        .statsLayers(cell.hooks().layers())
                        .statsDeadWindow(cell.hooks().deadWindow())
                        .histogram(
                                new HistogramSpec(
                                        cell.hooks().bins(),
                                        cell.hooks().histMin(),
                                        cell.hooks().histMax()))
                        .logEverySteps(cell.logEverySteps())
                        .progress(false);
        if (cell.budget().unit() == Budget.Unit.STEPS) {
            b.maxSteps((int) cell.budget().amount());
        } else {
            b.epochs(cell.budget().amount());
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.maxSteps = maxSteps;
        b.baseLr = lrRule.baseLr();
        b.referenceBatchSize = lrRule.referenceBatchSize();
        b.warmupFraction = lrRule.warmupFraction();
        b.schedule = lrRule.schedule();
        b.lrProtocol = lrRule.protocol();
        b.momentum = optimizer.momentum();
        b.weightDecay = optimizer.weightDecay();
        b.seed = seed;
        b.device = device;
        b.divergenceLossBound = divergenceLossBound;
        b.timerWarmupSteps = timerWarmupSteps;
        b.validateEverySteps = validateEverySteps;
        b.statsEverySteps = statsEverySteps;
        b.statsLayers = statsLayers;
        b.statsDeadWindow = statsDeadWindow;
        b.histogram = histogram;
        b.logEverySteps = logEverySteps;
        b.progress = progress;
        return b;
    }

    /** Mutable builder with the project's defaults. */
    public static final class Builder {
        private int batchSize = 32;
        private double epochs = 1;
        private int maxSteps;
        private double baseLr = 0.1;
        private int referenceBatchSize = 128;
        private double momentum = 0.9;
        private double weightDecay = 5e-4;
        private double warmupFraction = 0.1;
        private long seed;
        private Device device = Device.cpu();
        private double divergenceLossBound = 1e3;
        private int timerWarmupSteps = 5;
        private int validateEverySteps;
        private int statsEverySteps = 10;
        private String statsLayers = "stem,layer*";
        private int statsDeadWindow = ActivationStats.DEFAULT_DEAD_WINDOW;
        private HistogramSpec histogram = HistogramSpec.defaults();
        private int logEverySteps = 1;
        private boolean progress;
        private String schedule = "cosine";
        private LrRule.Protocol lrProtocol = LrRule.Protocol.LINEAR_SCALING;

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder epochs(double v) {
            epochs = v;
            maxSteps = 0;
            return this;
        }

        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public Builder baseLr(double v) {
            baseLr = v;
            return this;
        }

        public Builder referenceBatchSize(int v) {
            referenceBatchSize = v;
            return this;
        }

        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder warmupFraction(double v) {
            warmupFraction = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder device(Device v) {
            device = v;
            return this;
        }

        public Builder divergenceLossBound(double v) {
            divergenceLossBound = v;
            return this;
        }

        public Builder timerWarmupSteps(int v) {
            timerWarmupSteps = v;
            return this;
        }

        public Builder validateEverySteps(int v) {
            validateEverySteps = v;
            return this;
        }

        public Builder statsEverySteps(int v) {
            statsEverySteps = v;
            return this;
        }

        public Builder statsLayers(String v) {
            statsLayers = v;
            return this;
        }

        public Builder statsDeadWindow(int v) {
            statsDeadWindow = v;
            return this;
        }

        public Builder histogram(HistogramSpec v) {
            histogram = v;
            return this;
        }

        public Builder logEverySteps(int v) {
            logEverySteps = v;
            return this;
        }

        public Builder progress(boolean v) {
            progress = v;
            return this;
        }

        public Builder schedule(String v) {
            schedule = v;
            return this;
        }

        public Builder lrProtocol(LrRule.Protocol v) {
            lrProtocol = v;
            return this;
        }

        /** Both optimizer settings at once, e.g. a grid cell's. */
        public Builder optimizer(OptimizerSettings v) {
            return momentum(v.momentum()).weightDecay(v.weightDecay());
        }

        /** All of the learning-rate settings at once, e.g. a grid cell's. */
        public Builder lrRule(LrRule v) {
            return baseLr(v.baseLr())
                    .referenceBatchSize(v.referenceBatchSize())
                    .warmupFraction(v.warmupFraction())
                    .schedule(v.schedule())
                    .lrProtocol(v.protocol());
        }

        public TrainConfig build() {
            LrRule rule;
            OptimizerSettings optimizer;
            try {
                rule = new LrRule(baseLr, referenceBatchSize, warmupFraction, schedule, lrProtocol);
                optimizer = new OptimizerSettings(momentum, weightDecay);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("train config: " + e.getMessage(), e);
            }
            return new TrainConfig(
                    batchSize,
                    epochs,
                    maxSteps,
                    rule,
                    optimizer,
                    seed,
                    device,
                    divergenceLossBound,
                    timerWarmupSteps,
                    validateEverySteps,
                    statsEverySteps,
                    statsLayers,
                    statsDeadWindow,
                    histogram,
                    logEverySteps,
                    progress);
        }
    }
}
