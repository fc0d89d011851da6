package org.normbench.harness;

import ai.djl.Device;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.normbench.engine.DeviceSpec;
import org.normbench.engine.TorchRuntime;
import org.normbench.grid.CellSpec;
import org.normbench.train.Callback;
import org.normbench.train.CancelFitException;
import org.normbench.train.Learner;
import org.normbench.train.Throughput;

/**
 * Times a cell's training step for {@link GridEstimate}: the cell's model (its norm, activation,
 * options and width) at its batch size and device, on random 3x32x32 images, with {@code threads}
 * intra-op threads set on the thread that runs it (as a --jobs worker would). How many steps is
 * decided by time, not by a fixed count ({@link Window}): a median over at least 0.6 s of steps
 * after at least 0.5 s of warm-up, where a fixed 2 warm-up + 3 timed steps gave a 3-step median for
 * a 25 ms step, while a fixed larger count would make the full-width probes expensive. Set-up is
 * the probe's wall time less its steps. (Why cpu-smoke's width-0.125 probes overstated its steps
 * 1.6x is not settled: docs/performance.md.)
 */
public final class ProbeTimer {
    private ProbeTimer() {}

    /**
     * Which probe steps count, and when the probe has enough: warm-up steps are dropped until there
     * are at least {@value #MIN_WARMUP} of them and {@value #WARMUP_SECONDS} s (or {@value
     * #MAX_WARMUP} steps); then steps are timed until there are at least {@value #MIN_TIMED} of
     * them and {@value #TIMED_SECONDS} s (or {@value #MAX_TIMED} steps). The step time is their
     * median. Pure arithmetic on given durations, so it is testable without timing anything.
     */
    static final class Window {
        static final int MIN_WARMUP = 2;
        static final double WARMUP_SECONDS = 0.5;
        static final int MAX_WARMUP = 20;
        static final int MIN_TIMED = 3;
        static final double TIMED_SECONDS = 0.6;
        static final int MAX_TIMED = 40;

        private int warmup;
        private double warmupSeconds;
        private final List<Double> timed = new ArrayList<>();
        private double timedSeconds;

        /** The steps a probe may run at most. */
        static int maxSteps() {
            return MAX_WARMUP + MAX_TIMED;
        }

        /** Adds one step's duration; true when the probe has enough steps. */
        boolean add(double ms) {
            if (warmup < MAX_WARMUP && (warmup < MIN_WARMUP || warmupSeconds < WARMUP_SECONDS)) {
                warmup++;
                warmupSeconds += ms / 1000;
                return false;
            }
            timed.add(ms);
            timedSeconds += ms / 1000;
            return timed.size() >= MAX_TIMED
                    || (timed.size() >= MIN_TIMED && timedSeconds >= TIMED_SECONDS);
        }

        /** Median of the timed steps (NaN before any). */
        double medianMs() {
            double[] s = timed.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (s.length == 0) {
                return Double.NaN;
            }
            return s.length % 2 == 1
                    ? s[s.length / 2]
                    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        /** Seconds of all steps, warm-up included. */
        double seconds() {
            return warmupSeconds + timedSeconds;
        }

        int timedSteps() {
            return timed.size();
        }

        @Override
        public String toString() {
            return warmup + " warm-up steps, timed " + Arrays.toString(timed.toArray());
        }
    }

    /**
     * The cell's timing, or a failed one with the reason (a device not visible here, out of
     * memory).
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

    private static GridEstimate.Timing measure(CellSpec cell) {
        long t0 = System.nanoTime();
        Device device = TorchRuntime.device(DeviceSpec.parse(cell.device()));
        Block model = CellRunner.buildModel(cell, 3, 32, 10);
        Window window = new Window();
        Throughput.measure(
                model,
                cell.batchSize(),
                0,
                Window.maxSteps(),
                device,
                cell.seed(),
                List.of(new StepsUntilEnough(window)));
        double total = (System.nanoTime() - t0) / 1e9;
        return new GridEstimate.Timing(window.medianMs(), Math.max(0, total - window.seconds()));
    }

    /**
     * Feeds every step's duration to the window and ends the probe when it has enough; runs after
     * the step timer (order 100), whose device sync makes a GPU step's duration its work.
     */
    private static final class StepsUntilEnough implements Callback {
        private final Window window;
        private long start;

        StepsUntilEnough(Window window) {
            this.window = window;
        }

        @Override
        public int order() {
            return 101;
        }

        @Override
        public void beforeBatch(Learner l) {
            start = System.nanoTime();
        }

        @Override
        public void afterStep(Learner l) {
            if (window.add((System.nanoTime() - start) / 1e6)) {
                throw new CancelFitException("probe has enough steps");
            }
        }
    }
}
