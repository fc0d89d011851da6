package org.normbench.hooks;

/**
 * The fixed range and bin count of activation histograms, stored with the data so figures of
 * different variants share one x axis. Bin {@code k} holds values with
 * {@code floor((x - min) / width) == k}, evaluated in float64 (so a float32 activation just below
 * an edge never rounds into the next bin); values below {@code min} go to bin 0 and values at or
 * above {@code max} to the last bin. Not an adaptive histogram: the range never follows the data.
 */
public record HistogramSpec(int bins, double min, double max) {

    public static final int MAX_BINS = 256;

    /** The default of docs/results-format.md: 40 bins over [-10, 10). */
    public static HistogramSpec defaults() {
        return new HistogramSpec(40, -10, 10);
    }

    public HistogramSpec {
        if (bins < 1 || bins > MAX_BINS) {
            throw new IllegalArgumentException("histogram bins must be in [1, " + MAX_BINS + "], got " + bins);
        }
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("histogram range must be finite with min < max, got [" + min + ", " + max + ")");
        }
    }

    public double width() {
        return (max - min) / bins;
    }

    /** Inclusive lower edge of bin {@code k}. */
    public double lower(int k) {
        return min + k * width();
    }

    /** Exclusive upper edge of bin {@code k} (the last bin also holds everything above it). */
    public double upper(int k) {
        return k == bins - 1 ? max : min + (k + 1) * width();
    }

    /** The bin of {@code x}, by the same float64 arithmetic the device uses. */
    public int binOf(float x) {
        double b = Math.floor(((double) x - min) / width());
        return (int) Math.max(0, Math.min(bins - 1, b));
    }
}
