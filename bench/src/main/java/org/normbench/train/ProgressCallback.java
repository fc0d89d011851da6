package org.normbench.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar over the fit's steps: steps done, ETA, loss and learning rate, behind a
 * label (the grid harness puts the cell's place in the grid and the grid's ETA there). Off unless
 * {@link TrainConfig#progress()} is set or a caller adds it (tests and quiet runs stay silent).
 */
public final class ProgressCallback implements Callback {
    private final PrintStream out;
    private final String label;
    private ProgressBar bar;

    public ProgressCallback(PrintStream out) {
        this(out, "train");
    }

    public ProgressCallback(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public void beforeFit(Learner l) {
        bar =
                new ProgressBarBuilder()
                        .setTaskName(label)
                        .setInitialMax(l.totalSteps())
                        .setUnit(" steps", 1)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(out, 160))
                        .setUpdateIntervalMillis(500)
                        .build();
    }

    @Override
    public void afterBatch(Learner l) {
        if (bar == null) {
            return;
        }
        bar.stepTo(l.step());
        if (l.loss() != null) {
            bar.setExtraMessage(
                    String.format(Locale.ROOT, "loss %.3f lr %.3g", l.lossValue(), l.lr()));
        }
    }

    @Override
    public void afterFit(Learner l) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
