package org.normbench.grid;

/**
 * Activation telemetry of a train cell: whether the hooks run, every how many steps, which layers
 * (a glob over block names such as {@code stem}, {@code layer1.0}; {@code *} = all) and the fixed
 * histogram (bins over [histMin, histMax), outliers clamped to the end bins) and {@code
 * deadWindow}, the logged steps over which a channel must stay exactly 0 to count in {@code
 * dead_channel_frac_window}. Not the hooks themselves.
 */
public record HookSettings(
        boolean enabled,
        int everySteps,
        String layers,
        int bins,
        double histMin,
        double histMax,
        int deadWindow) {

    /** The default of {@code dead_window}, in logged steps. */
    public static final int DEFAULT_DEAD_WINDOW = 10;

    public static final HookSettings DEFAULT =
            new HookSettings(true, 10, "*", 40, -10, 10, DEFAULT_DEAD_WINDOW);

    /** What throughput cells carry: timing must not include telemetry. */
    public static final HookSettings DISABLED =
            new HookSettings(false, 10, "*", 40, -10, 10, DEFAULT_DEAD_WINDOW);

    public HookSettings {
        if (everySteps < 1) {
            throw new IllegalArgumentException("everySteps must be >= 1, got " + everySteps);
        }
        if (layers == null || layers.isBlank()) {
            throw new IllegalArgumentException("layers must be a non-empty glob, e.g. *");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        if (!(histMin < histMax) || Double.isInfinite(histMin) || Double.isInfinite(histMax)) {
            throw new IllegalArgumentException(
                    "need finite histMin < histMax, got " + histMin + ", " + histMax);
        }
        if (deadWindow < 1) {
            throw new IllegalArgumentException(
                    "deadWindow must be >= 1 logged steps, got " + deadWindow);
        }
    }

    /** Settings with the default {@link #DEFAULT_DEAD_WINDOW}. */
    public HookSettings(
            boolean enabled,
            int everySteps,
            String layers,
            int bins,
            double histMin,
            double histMax) {
        this(enabled, everySteps, layers, bins, histMin, histMax, DEFAULT_DEAD_WINDOW);
    }
}
