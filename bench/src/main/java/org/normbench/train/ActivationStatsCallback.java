package org.normbench.train;

import java.util.ArrayList;
import java.util.List;
import org.normbench.hooks.ActivationRow;
import org.normbench.hooks.ActivationStats;
import org.normbench.hooks.HistogramRow;
import org.normbench.hooks.HistogramSpec;
import org.normbench.hooks.HookHandle;
import org.normbench.hooks.Hooks;

/**
 * Captures {@link ActivationStats} of the layers matching a probe name or glob on every {@code
 * everySteps}-th training step (and step 1). Hooks are attached only for those steps and removed
 * right after, so other steps run the unhooked model; validation passes are never captured. The
 * statistics of a step are copied to the host in one transfer at its end.
 */
public final class ActivationStatsCallback implements Callback {
    private final String layers;
    private final int everySteps;
    private final HistogramSpec histogram;
    private final int deadWindow;
    private final ActivationStats.Path path;
    private final List<ActivationRow> rows = new ArrayList<>();
    private final List<HistogramRow> histogramRows = new ArrayList<>();
    private ActivationStats stats;
    private HookHandle handle;

    /**
     * @param deadWindow logged steps over which a channel must stay exactly 0 to count as dead
     */
    public ActivationStatsCallback(
            String layers, int everySteps, HistogramSpec histogram, int deadWindow) {
        this(layers, everySteps, histogram, deadWindow, ActivationStats.Path.AUTO);
    }

    /**
     * With a fixed statistics path, e.g. {@link ActivationStats.Path#DEVICE_OPS} on CPU to measure
     * what the GPU path costs there ({@code make bench-hooks}).
     */
    public ActivationStatsCallback(
            String layers,
            int everySteps,
            HistogramSpec histogram,
            int deadWindow,
            ActivationStats.Path path) {
        if (everySteps < 1) {
            throw new IllegalArgumentException(
                    "activation stats every " + everySteps + " steps; allowed: >= 1");
        }
        this.layers = layers;
        this.everySteps = everySteps;
        this.histogram = histogram;
        this.deadWindow = deadWindow;
        this.path = path;
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public void beforeFit(Learner l) {
        List<String> order = Hooks.probes(l.model(), layers).stream().map(p -> p.name()).toList();
        stats = new ActivationStats(histogram, order, path, deadWindow);
    }

    /**
     * Whether statistics taken every {@code everySteps} steps (0 = never) are taken at {@code
     * step}: the first step and every multiple of the period.
     */
    public static boolean logsAt(int step, int everySteps) {
        return everySteps > 0 && (step == 1 || step % everySteps == 0);
    }

    @Override
    public void beforeBatch(Learner l) {
        if (logsAt(l.step(), everySteps)) {
            handle = Hooks.register(l.model(), layers, stats.hook());
        }
    }

    @Override
    public void afterStep(Learner l) {
        detach();
        stats.collect(l.step(), rows, histogramRows);
    }

    @Override
    public void afterBatch(Learner l) {
        detach();
        stats.discard();
    }

    @Override
    public void afterFit(Learner l) {
        detach();
        if (stats != null) {
            stats.close();
        }
    }

    private void detach() {
        if (handle != null) {
            handle.close();
            handle = null;
        }
    }

    /** The statistics collector of the running fit (for tools in this package). */
    ActivationStats statistics() {
        return stats;
    }

    public List<ActivationRow> rows() {
        return List.copyOf(rows);
    }

    public List<HistogramRow> histogramRows() {
        return List.copyOf(histogramRows);
    }
}
