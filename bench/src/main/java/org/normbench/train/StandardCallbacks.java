package org.normbench.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.normbench.hooks.ActivationRow;
import org.normbench.hooks.HistogramRow;

/**
 * The standard callbacks of a training cell, made from a {@link TrainConfig}: schedule, recorder,
 * divergence guard, step timer, activation statistics (when {@code statsEverySteps > 0}) and a
 * progress bar on stderr (when {@code progress} is set). The one place that says what the standard
 * set is. Pass {@link #with} to a {@link Learner} and read the results off the named callbacks
 * after the fit ({@code recorder().curve()}, {@code timer().medianMs()}, {@link #activations()}).
 * Not reusable: one set per fit.
 *
 * @param stats null when activation statistics are off
 * @param progress null when the config does not ask for a progress bar
 */
public record StandardCallbacks(
        LrSchedule schedule,
        Recorder recorder,
        DivergenceGuard guard,
        StepTimer timer,
        ActivationStatsCallback stats,
        ProgressCallback progress) {

    /** A fresh standard set for one fit under {@code config}; progress goes to stderr. */
    public static StandardCallbacks of(TrainConfig config) {
        return of(config, System.err);
    }

    /** A fresh standard set for one fit under {@code config}, progress (if on) to {@code out}. */
    public static StandardCallbacks of(TrainConfig config, PrintStream out) {
        return new StandardCallbacks(
                new LrSchedule(),
                new Recorder(),
                new DivergenceGuard(config.divergenceLossBound()),
                new StepTimer(config.timerWarmupSteps(), config.device()),
                config.statsEverySteps() > 0
                        ? new ActivationStatsCallback(
                                config.statsLayers(),
                                config.statsEverySteps(),
                                config.histogram(),
                                config.statsDeadWindow())
                        : null,
                config.progress() ? new ProgressCallback(out) : null);
    }

    /**
     * The standard callbacks followed by {@code extra}, for {@link Learner}'s constructor; of equal
     * {@link Callback#order()}, the standard ones run first.
     */
    public List<Callback> with(List<? extends Callback> extra) {
        List<Callback> all = new ArrayList<>(List.of(schedule, recorder, guard, timer));
        if (stats != null) {
            all.add(stats);
        }
        if (progress != null) {
            all.add(progress);
        }
        all.addAll(extra);
        return all;
    }

    /** The standard callbacks followed by {@code extra}. */
    public List<Callback> with(Callback... extra) {
        return with(List.of(extra));
    }

    /** Activation statistics rows in capture order; empty when statistics are off. */
    public List<ActivationRow> activations() {
        return stats == null ? List.of() : stats.rows();
    }

    /** Histogram rows in capture order; empty when statistics are off. */
    public List<HistogramRow> histograms() {
        return stats == null ? List.of() : stats.histogramRows();
    }
}
