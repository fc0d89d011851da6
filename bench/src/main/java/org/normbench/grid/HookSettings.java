package org.normbench.grid;

/**
 * Activation telemetry of a train cell: whether the hooks run, every how many steps, which layers
 * (a glob over block names such as {@code stem}, {@code layer1.0}; {@code *} = all) and the fixed
 * histogram (bins over [histMin, histMax), outliers clamped to the end bins). Not the hooks themselves.
 */
public record HookSettings(boolean enabled, int everySteps, String layers, int bins, double histMin, double histMax) {

    public static final HookSettings DEFAULT = new HookSettings(true, 10, "*", 40, -10, 10);

    /** What throughput cells carry: timing must not include telemetry. */
    public static final HookSettings DISABLED = new HookSettings(false, 10, "*", 40, -10, 10);

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
            throw new IllegalArgumentException("need finite histMin < histMax, got " + histMin + ", " + histMax);
        }
    }
}
