package org.normbench.train;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.normbench.engine.CpuUsage;

/**
 * Throughput-only cells: timed training steps (forward, backward, SGD update) on fixed random data,
 * so host data preparation never limits the number. Uses the same {@link Learner} step as training
 * cells, without validation, statistics or progress. Not an accuracy measurement. Also records the
 * CPU share the process got over the timed steps ({@link CpuUsage}), so a number measured while
 * another process held a core can be told from a quiet one.
 */
public final class Throughput {

    /**
     * Step time and memory of a throughput cell, and what the process got of the CPU while it was
     * timed.
     */
    public record Result(
            int batchSize,
            int timedSteps,
            double stepMsMedian,
            double stepMsP90,
            double imagesPerSecond,
            long peakMemoryBytes,
            CpuUsage.Delta timedCpu) {}

    private Throughput() {}

    /**
     * As {@link #measure(Block, Shape, int, int, int, int, Device, long, List)} for 3x32x32 images,
     * 10 classes.
     */
    public static Result measure(
            Block model,
            int batchSize,
            int warmupSteps,
            int timedSteps,
            Device device,
            long seed,
            List<Callback> extraCallbacks) {
        return measure(
                model,
                new Shape(3, 32, 32),
                10,
                batchSize,
                warmupSteps,
                timedSteps,
                device,
                seed,
                extraCallbacks);
    }

    /**
     * Trains {@code warmupSteps + timedSteps} steps of batch {@code batchSize} on random images of
     * {@code imageShape} (C,H,W) and labels in {@code [0, classes)}; times the last {@code
     * timedSteps}. {@code extraCallbacks} (e.g. a heartbeat) run in the same loop; those acting on
     * {@code afterBatch} run after the step's timer stopped.
     */
    public static Result measure(
            Block model,
            Shape imageShape,
            int classes,
            int batchSize,
            int warmupSteps,
            int timedSteps,
            Device device,
            long seed,
            List<Callback> extraCallbacks) {
        if (timedSteps < 1) {
            throw new IllegalArgumentException("timedSteps=" + timedSteps + "; allowed: >= 1");
        }
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(batchSize)
                        .maxSteps(warmupSteps + timedSteps)
                        .timerWarmupSteps(warmupSteps)
                        .warmupFraction(0)
                        .statsEverySteps(0)
                        .seed(seed)
                        .device(device)
                        .divergenceLossBound(Double.MAX_VALUE)
                        .build();
        BatchSource data = randomImages(batchSize, imageShape, classes, seed);
        TimedCpu cpu = new TimedCpu(warmupSteps);
        List<Callback> extra = new ArrayList<>(extraCallbacks);
        extra.add(cpu);
        StandardCallbacks standard = StandardCallbacks.of(cfg);
        try (Learner learner = new Learner(model, cfg, data, null, standard.with(extra))) {
            learner.fit();
            StepTimer timer = standard.timer();
            return new Result(
                    batchSize,
                    timedSteps,
                    timer.medianMs(),
                    timer.p90Ms(),
                    timer.imagesPerSecond(batchSize),
                    timer.peakMemoryBytes(),
                    cpu.delta());
        }
    }

    /**
     * One batch of fixed random images of {@code imageShape} (C,H,W) and labels in {@code [0,
     * classes)}, the data throughput cells train on (also {@code normbench bench --estimate}'s).
     */
    public static BatchSource randomImages(
            int batchSize, Shape imageShape, int classes, long seed) {
        return new RandomImages(batchSize, imageShape, classes, seed);
    }

    /** CPU counters from the end of the last warm-up step to the end of the fit. */
    private static final class TimedCpu implements Callback {
        private final int warmupSteps;
        private CpuUsage.Snapshot start;
        private CpuUsage.Snapshot end;

        TimedCpu(int warmupSteps) {
            this.warmupSteps = warmupSteps;
        }

        @Override
        public void beforeFit(Learner l) {
            if (warmupSteps == 0) {
                start = CpuUsage.now();
            }
        }

        @Override
        public void afterBatch(Learner l) {
            if (l.step() == warmupSteps) {
                start = CpuUsage.now();
            }
        }

        @Override
        public void afterFit(Learner l) {
            end = CpuUsage.now();
        }

        CpuUsage.Delta delta() {
            return start == null || end == null ? null : end.since(start);
        }
    }

    /** One batch worth of fixed random images, served with a copy (no per-step generation cost). */
    static final class RandomImages implements BatchSource {
        private final int n;
        private final int c;
        private final int h;
        private final int w;
        private final float[] pixels;
        private final int[] labels;

        RandomImages(int n, Shape chw, int classes, long seed) {
            this.n = n;
            this.c = (int) chw.get(0);
            this.h = (int) chw.get(1);
            this.w = (int) chw.get(2);
            SplittableRandom rng = new SplittableRandom(seed);
            pixels = new float[n * c * h * w];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = rng.nextInt(classes);
            }
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int channels() {
            return c;
        }

        @Override
        public int height() {
            return h;
        }

        @Override
        public int width() {
            return w;
        }

        @Override
        public void assemble(
                int[] indices, float[] out, int[] labelsOut, SplittableRandom rngOrNull) {
            int image = imageSize();
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(pixels, indices[i] * image, out, i * image, image);
                labelsOut[i] = labels[indices[i]];
            }
        }
    }
}
