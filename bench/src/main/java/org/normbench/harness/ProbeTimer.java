package org.normbench.harness;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.normbench.datasets.BatchAssembler;
import org.normbench.datasets.DatasetRegistry;
import org.normbench.datasets.DatasetSpec;
import org.normbench.engine.CellThreads;
import org.normbench.engine.CpuUsage;
import org.normbench.engine.DeviceSpec;
import org.normbench.engine.TorchRuntime;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;
import org.normbench.train.ActivationStatsCallback;
import org.normbench.train.BatchSource;
import org.normbench.train.Callback;
import org.normbench.train.CancelFitException;
import org.normbench.train.Learner;
import org.normbench.train.StandardCallbacks;
import org.normbench.train.Throughput;
import org.normbench.train.TrainConfig;

/**
 * Times a cell's training step for {@link GridEstimate} on the cell's own code path: a train cell
 * runs its {@link TrainConfig#of} config (learning rate, hook statistics, standard callbacks) and
 * model for its dataset's input shape and classes, on one batch of random images of that shape (so
 * no dataset is loaded or downloaded); a throughput cell runs {@link Throughput#measure} as it
 * does. It runs with the intra-op threads its caller set on this thread (as a --jobs worker would).
 *
 * <p>The step time is the mean whole loop iteration (callbacks, hook statistics and the wait for
 * the next batch included, as in a cell's train_seconds) of a window after a warm-up ({@link
 * Window}). The warm-up lasts until the JIT compiler has gone quiet: a fresh JVM runs DJL's per-op
 * Java code interpreted or half-compiled for its first ~10 s of steps, and on a 2-core machine the
 * compiler threads also take the cores from the step. Probes timed in that time read up to 2.8x the
 * cells' steps, which is why cpu-smoke's estimate was 1.43x over (docs/performance.md).
 */
public final class ProbeTimer {
    /**
     * A probe of a cell with hook statistics takes them every this many steps, so that its window
     * times hooked and plain steps alike; the estimate weights them by the cell's own period.
     */
    static final int PROBE_STATS_EVERY = 2;

    /** Upper bound of a probe's steps; the window ends it long before. */
    static final int MAX_STEPS = 100_000;

    /** Batches in a train probe's epoch (one permutation of this many images per epoch). */
    private static final int EPOCH_BATCHES = 1_000;

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** The JIT compiler's activity in this process, sampled after every probe step. */
    private static final JitActivity JIT_ACTIVITY = new JitActivity();

    private ProbeTimer() {}

    /**
     * Whether the JIT compiler is still busy, from samples of the process's total compilation time:
     * quiet once the samples span at least {@value #QUIET_SECONDS} s and at most {@value
     * #BUSY_FRACTION} of the last {@value #QUIET_SECONDS} s (or a little more) went to compiling.
     * Process-wide, as the JIT is, so a probe's warm-up counts what earlier probes warmed. Pure
     * arithmetic on given samples.
     */
    static final class JitActivity {
        static final double QUIET_SECONDS = 1;
        static final double BUSY_FRACTION = 0.1;

        /** (seconds, total compile ms) samples, oldest first; the oldest is the baseline. */
        private final Deque<double[]> samples = new ArrayDeque<>();

        /** Records that at {@code seconds} the JIT had compiled for {@code compileMs} in all. */
        synchronized void sample(double seconds, double compileMs) {
            samples.addLast(new double[] {seconds, compileMs});
            while (samples.size() > 2 && seconds - secondOldest()[0] >= QUIET_SECONDS) {
                samples.removeFirst();
            }
        }

        private double[] secondOldest() {
            Iterator<double[]> it = samples.iterator();
            it.next();
            return it.next();
        }

        synchronized boolean quiet() {
            if (samples.size() < 2) {
                return false;
            }
            double[] first = samples.getFirst();
            double[] last = samples.getLast();
            double span = last[0] - first[0];
            return span >= QUIET_SECONDS && last[1] - first[1] <= BUSY_FRACTION * span * 1000;
        }
    }

    /**
     * Which probe steps count, and when the probe has enough. Warm-up: steps are dropped until
     * there are at least {@value #MIN_WARMUP} of them and {@value #WARMUP_SECONDS} s, and the JIT
     * compiler is quiet ({@link JitActivity}), or {@value #MAX_WARMUP_SECONDS} s have passed; a
     * compilation burst while timing (before that cap) turns the steps timed so far into warm-up
     * and the probe starts timing again once the compiler is quiet. Then steps are timed until
     * there are at least {@value #MIN_TIMED} (of each kind, plain and hooked, when the probe hooks)
     * and {@value #TIMED_SECONDS} s, or {@value #MAX_TIMED} in all. A kind's step time is the mean
     * of its steps without the slowest tenth: a cell pays its steps' spread, but not a rare pause
     * of a few steps, which in a short window would weigh far more than in a run. Pure arithmetic
     * on given durations, so it is testable without timing anything.
     */
    static final class Window {
        static final int MIN_WARMUP = 2;
        static final double WARMUP_SECONDS = 0.5;
        static final double MAX_WARMUP_SECONDS = 20;
        static final int MIN_TIMED = 3;
        static final double TIMED_SECONDS = 0.6;
        static final int MAX_TIMED = 40;

        private final boolean hooks;
        private boolean warm;
        private int warmup;
        private double warmupSeconds;
        private final List<Double> plain = new ArrayList<>();
        private final List<Double> hooked = new ArrayList<>();
        private double timedSeconds;

        /**
         * @param hooks whether the probe takes hook statistics on some steps (then the window waits
         *     for enough of both kinds)
         */
        Window(boolean hooks) {
            this.hooks = hooks;
        }

        /**
         * Adds one step: its duration, whether the JIT compiler was quiet at its end, and whether
         * it took hook statistics; true when the probe has enough steps.
         */
        boolean add(double ms, boolean jitQuiet, boolean hookedStep) {
            if (warm && !jitQuiet && warmupSeconds + timedSeconds < MAX_WARMUP_SECONDS) {
                // a compilation burst: the steps timed so far may not be the steady step
                warmup += timedSteps();
                warmupSeconds += timedSeconds;
                plain.clear();
                hooked.clear();
                timedSeconds = 0;
                warm = false;
            }
            if (!warm) {
                warmup++;
                warmupSeconds += ms / 1000;
                warm =
                        warmup >= MIN_WARMUP
                                && warmupSeconds >= WARMUP_SECONDS
                                && (jitQuiet || warmupSeconds >= MAX_WARMUP_SECONDS);
                return false;
            }
            (hookedStep ? hooked : plain).add(ms);
            timedSeconds += ms / 1000;
            return plain.size() + hooked.size() >= MAX_TIMED
                    || (plain.size() >= MIN_TIMED
                            && (!hooks || hooked.size() >= MIN_TIMED)
                            && timedSeconds >= TIMED_SECONDS);
        }

        /**
         * Milliseconds per step of a cell that takes hook statistics every {@code statsEvery} steps
         * (0 = never): the plain step, plus a hooked step's extra once per {@code statsEvery}; NaN
         * before any plain step was timed.
         */
        double stepMs(int statsEvery) {
            double p = keptMean(plain);
            if (statsEvery <= 0 || hooked.isEmpty()) {
                return p;
            }
            return p + (keptMean(hooked) - p) / statsEvery;
        }

        /** Mean of {@code ms} without its slowest tenth (rounded down); NaN if empty. */
        static double keptMean(List<Double> ms) {
            if (ms.isEmpty()) {
                return Double.NaN;
            }
            int kept = ms.size() - ms.size() / 10;
            return ms.stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .limit(kept)
                    .average()
                    .orElseThrow();
        }

        /** Seconds of all steps, warm-up included. */
        double seconds() {
            return warmupSeconds + timedSeconds;
        }

        int warmupSteps() {
            return warmup;
        }

        int timedSteps() {
            return plain.size() + hooked.size();
        }

        @Override
        public String toString() {
            return warmup + " warm-up steps, timed " + plain + " plain, " + hooked + " hooked";
        }
    }

    /**
     * The cell's timing, or a failed one with the reason (a device not visible here, out of memory,
     * an unknown dataset).
     */
    public static GridEstimate.Timing time(CellSpec cell) {
        try {
            return measure(cell);
        } catch (RuntimeException e) {
            return GridEstimate.Timing.failed(
                    e.getMessage() == null
                            ? e.getClass().getSimpleName()
                            : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * {@code n} probes of {@code cell} side by side, each on a thread of its own set up by {@code
     * threadSetup} (as a --jobs worker), started together; their timings, a failed one for each
     * that could not run. A copy that ends its window first leaves the others a little less
     * contention for their last steps, so this errs on the mild side.
     */
    public static List<GridEstimate.Timing> timeTogether(
            CellSpec cell, int n, Runnable threadSetup) {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        CountDownLatch ready = new CountDownLatch(n);
        try {
            List<Future<GridEstimate.Timing>> copies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                copies.add(
                        threads.submit(
                                () -> {
                                    threadSetup.run();
                                    ready.countDown();
                                    ready.await();
                                    return time(cell);
                                }));
            }
            List<GridEstimate.Timing> out = new ArrayList<>();
            for (Future<GridEstimate.Timing> f : copies) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    out.add(GridEstimate.Timing.failed(String.valueOf(e.getCause())));
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(GridEstimate.Timing.failed("interrupted"));
        } finally {
            threads.shutdownNow();
        }
    }

    private static GridEstimate.Timing measure(CellSpec cell) {
        long t0 = System.nanoTime();
        CpuUsage.Snapshot cpu = CpuUsage.now();
        Device device = TorchRuntime.device(DeviceSpec.parse(cell.device()));
        // As CellRunner: probes time the thread set-up the cells will run with.
        CellThreads.prepare(device);
        Window window;
        int statsEvery = 0;
        if (cell.kind() == CellKind.THROUGHPUT) {
            window = new Window(false);
            Throughput.measure(
                    CellRunner.buildModel(cell, 3, 32, 10),
                    cell.batchSize(),
                    0,
                    MAX_STEPS,
                    device,
                    cell.seed(),
                    List.of(new ProbeSteps(window, 0)));
        } else {
            TrainConfig cellConfig = TrainConfig.of(cell, device);
            statsEvery = cellConfig.statsEverySteps();
            window = new Window(statsEvery > 0);
            train(cell, cellConfig, window);
        }
        if (window.timedSteps() == 0) {
            throw new IllegalStateException(
                    "the probe stopped after " + window.warmupSteps() + " steps, before timing");
        }
        double total = (System.nanoTime() - t0) / 1e9;
        return new GridEstimate.Timing(
                window.stepMs(statsEvery),
                Math.max(0, total - window.seconds()),
                CpuUsage.now().since(cpu).cpuShare(),
                null);
    }

    /**
     * Trains the cell's model with its config until {@code window} has enough, on one random batch
     * of the shape its dataset gives this model, repeated as a long epoch.
     */
    private static void train(CellSpec cell, TrainConfig cellConfig, Window window) {
        DatasetSpec data = DatasetRegistry.get(cell.dataset());
        int[] chw =
                BatchAssembler.outputShape(
                        data.channels(),
                        data.height(),
                        data.width(),
                        CellRunner.fitsCifarStem(cell));
        int classes = data.classNames().size();
        Block model = CellRunner.buildModel(cell, chw[0], chw[1], classes);
        TrainConfig config =
                cellConfig.toBuilder()
                        .maxSteps(MAX_STEPS)
                        .validateEverySteps(0)
                        .statsEverySteps(cellConfig.statsEverySteps() > 0 ? PROBE_STATS_EVERY : 0)
                        .divergenceLossBound(Double.MAX_VALUE)
                        .build();
        BatchSource batch =
                Throughput.randomImages(
                        cell.batchSize(), new Shape(chw[0], chw[1], chw[2]), classes, cell.seed());
        StandardCallbacks standard = StandardCallbacks.of(config);
        try (Learner learner =
                new Learner(
                        model,
                        config,
                        new Repeated(batch, EPOCH_BATCHES),
                        null,
                        standard.with(new ProbeSteps(window, config.statsEverySteps())))) {
            learner.fit();
        }
    }

    /**
     * Feeds every whole loop iteration (from one step's {@code afterBatch} to the next, so every
     * callback and the wait for the batch count) to the window, and ends the probe when it has
     * enough. Runs last (after the step timer, whose device sync makes a GPU step's duration its
     * work).
     */
    private static final class ProbeSteps implements Callback {
        private final Window window;
        private final int statsEvery;
        private long last;

        /**
         * @param statsEvery the probe's hook period (0 = none), to tell hooked steps from plain
         */
        ProbeSteps(Window window, int statsEvery) {
            this.window = window;
            this.statsEvery = statsEvery;
        }

        @Override
        public int order() {
            return 101;
        }

        @Override
        public void beforeFit(Learner l) {
            last = System.nanoTime();
        }

        @Override
        public void afterBatch(Learner l) {
            long now = System.nanoTime();
            JIT_ACTIVITY.sample(now / 1e9, compileMs());
            boolean hooked = ActivationStatsCallback.logsAt(l.step(), statsEvery);
            if (window.add((now - last) / 1e6, JIT_ACTIVITY.quiet(), hooked)) {
                throw new CancelFitException("probe has enough steps");
            }
            last = now;
        }

        /** The JIT's total compilation time so far; 0 where the JVM does not report it. */
        private static long compileMs() {
            return JIT != null && JIT.isCompilationTimeMonitoringSupported()
                    ? JIT.getTotalCompilationTime()
                    : 0;
        }
    }

    /**
     * One batch served as an epoch of {@code batches} batches: the loop starts a batch feeder per
     * epoch, as a real cell does once per epoch, not per step.
     */
    private record Repeated(BatchSource one, int batches) implements BatchSource {
        @Override
        public int size() {
            return one.size() * batches;
        }

        @Override
        public int channels() {
            return one.channels();
        }

        @Override
        public int height() {
            return one.height();
        }

        @Override
        public int width() {
            return one.width();
        }

        @Override
        public void assemble(
                int[] indices, float[] out, int[] labelsOut, SplittableRandom rngOrNull) {
            int[] inOne = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                inOne[i] = indices[i] % one.size();
            }
            one.assemble(inOne, out, labelsOut, rngOrNull);
        }
    }
}
