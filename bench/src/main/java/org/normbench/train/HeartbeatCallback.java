package org.normbench.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress for logs: where a progress bar cannot be shown (stdout is a file or a pipe, e.g. a Slurm
 * or CI log), one line every {@code every} during a long fit, so a stall can be told from slow
 * progress. The line gives the step, the last loss, images per second since the previous line and
 * the cell's ETA at its average pace so far. Silent for fits shorter than one interval.
 */
public final class HeartbeatCallback implements Callback {
    private final PrintStream out;
    private final String label;
    private final long everyNanos;
    private long fitStart;
    private long lastBeat;
    private int lastStep;

    public HeartbeatCallback(PrintStream out, String label, Duration every) {
        if (every.isZero() || every.isNegative()) {
            throw new IllegalArgumentException("heartbeat interval " + every + "; allowed: > 0");
        }
        this.out = out;
        this.label = label;
        this.everyNanos = every.toNanos();
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public void beforeFit(Learner l) {
        fitStart = System.nanoTime();
        lastBeat = fitStart;
        lastStep = l.step();
    }

    @Override
    public void afterBatch(Learner l) {
        long now = System.nanoTime();
        if (now - lastBeat < everyNanos) {
            return;
        }
        out.println(
                line(
                        l.step(),
                        l.totalSteps(),
                        l.loss() != null ? l.lossValue() : Double.NaN,
                        (double) (l.step() - lastStep) * l.batchSize() / ((now - lastBeat) / 1e9),
                        (now - fitStart) / 1e9));
        out.flush();
        lastBeat = now;
        lastStep = l.step();
    }

    /** One heartbeat line; ETA from the average seconds per step since the fit started. */
    String line(
            int step, int totalSteps, double loss, double imagesPerSecond, double elapsedSeconds) {
        long eta =
                step > 0 ? Math.round(elapsedSeconds / step * Math.max(0, totalSteps - step)) : -1;
        return String.format(
                Locale.ROOT,
                "  %s  step %d/%d  loss %.4f  %.0f img/s  elapsed %s  ETA %s",
                label,
                step,
                totalSteps,
                loss,
                imagesPerSecond,
                clock(Math.round(elapsedSeconds)),
                eta < 0 ? "?" : clock(eta));
    }

    static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(
                        Locale.ROOT,
                        "%dh%02dm%02ds",
                        seconds / 3600,
                        (seconds % 3600) / 60,
                        seconds % 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
