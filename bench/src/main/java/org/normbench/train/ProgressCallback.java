package org.normbench.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A console progress bar over the fit's steps showing loss and learning rate. Off unless
 * {@link TrainConfig#progress()} is set (tests and grid runs stay quiet); writes to the given stream.
 */
public final class ProgressCallback implements Callback {
    private final PrintStream out;
    private ProgressBar bar;

    public ProgressCallback(PrintStream out) {
        this.out = out;
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public void beforeFit(Learner l) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(l.totalSteps())
                .setConsumer(new ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(500).build();
    }

    @Override
    public void afterBatch(Learner l) {
        bar.stepTo(l.step());
        if (l.loss() == null) {
            return;
        }
        bar.setExtraMessage(String.format(" loss %.4f lr %.4g", l.lossValue(), l.lr()));
    }

    @Override
    public void afterFit(Learner l) {
        if (bar != null) {
            bar.close();
        }
    }
}
