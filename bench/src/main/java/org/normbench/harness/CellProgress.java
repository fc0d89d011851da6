package org.normbench.harness;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.normbench.train.Callback;
import org.normbench.train.Learner;

/**
 * The progress bar of the running cell: steps done, per-cell ETA (from the bar), the cell's
 * position in the grid with the grid's ETA (in the label), and the current loss. Off in quiet mode.
 */
final class CellProgress implements Callback {
    private final PrintStream out;
    private final String label;
    private ProgressBar bar;

    CellProgress(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public void beforeFit(Learner l) {
        bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(l.totalSteps()).setUnit(" steps", 1)
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(out, 160))
                .setUpdateIntervalMillis(500).build();
    }

    @Override
    public void afterBatch(Learner l) {
        if (bar == null) {
            return;
        }
        bar.stepTo(l.step());
        if (l.loss() != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f", l.lossValue()));
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
