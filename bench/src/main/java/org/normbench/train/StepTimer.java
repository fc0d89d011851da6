package org.normbench.train;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wall time of each training step from {@code beforeBatch} to the end of {@code afterStep}, after a
 * device sync (so GPU work is counted, not just enqueued); the first {@code warmupSteps} are left
 * out (allocator and autotuning warm-up). Runs last in every event, so the time includes the other
 * callbacks' work (e.g. activation statistics) but not the wait for the next host batch. Also
 * tracks peak memory. Not a profiler.
 */
public final class StepTimer implements Callback {
    private final int warmupSteps;
    private final Device device;
    private final List<Double> millis = new ArrayList<>();
    private long start;
    private long peakBytes = -1;
    // True when the peak can be read once at the end (CPU, or a GPU JNI with the allocator's
    // statistics); otherwise device-wide use is sampled after every step, a host call per step.
    private boolean peakTracked;

    public StepTimer(int warmupSteps, Device device) {
        this.warmupSteps = warmupSteps;
        this.device = device;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public void beforeFit(Learner l) {
        peakTracked = PeakMemory.resetPeak(device);
    }

    @Override
    public void beforeBatch(Learner l) {
        start = System.nanoTime();
    }

    @Override
    public void afterStep(Learner l) {
        l.syncDevice();
        long end = System.nanoTime();
        if (l.step() > warmupSteps) {
            millis.add((end - start) / 1e6);
        }
        if (!peakTracked) {
            peakBytes = Math.max(peakBytes, PeakMemory.deviceBytes(device));
        }
    }

    @Override
    public void afterFit(Learner l) {
        if (peakTracked) {
            peakBytes = PeakMemory.peakBytes(device);
        }
    }

    /** Timed step durations in ms, in step order. */
    public List<Double> stepMillis() {
        return List.copyOf(millis);
    }

    public double medianMs() {
        return percentile(0.5);
    }

    public double p90Ms() {
        return percentile(0.9);
    }

    public double imagesPerSecond(int batchSize) {
        double m = medianMs();
        return Double.isNaN(m) ? Double.NaN : batchSize * 1000.0 / m;
    }

    public long peakMemoryBytes() {
        return peakBytes;
    }

    /** Nearest-rank percentile of the timed steps; NaN when none were timed. */
    double percentile(double q) {
        if (millis.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
