package org.normbench.hooks;

import java.util.List;

/**
 * The fixed range and bin count of activation histograms, stored with the data so figures of
 * different variants share one x axis. Bin {@code k} holds the values {@code x} with {@code
 * lower(k) <= x < upper(k)}, compared exactly (a float32 activation widened to double against the
 * double edge, no rounding in between); values below {@code min} go to bin 0 and values at or above
 * {@code max} to the last bin. Not an adaptive histogram: the range never follows the data.
 */
public record HistogramSpec(int bins, double min, double max) {

    public static final int MAX_BINS = 256;

    /**
     * Where the device bins with a float32 guess corrected by one edge comparison ({@code
     * BinIndex}), the guess's rounding error stays below 0.13 bins only while the edges lie within
     * this many bin widths of zero.
     */
    static final double MAX_EDGE_IN_WIDTHS = 1 << 20;

    /** The default of docs/results-format.md: 40 bins over [-10, 10). */
    public static HistogramSpec defaults() {
        return new HistogramSpec(40, -10, 10);
    }

    public HistogramSpec {
        if (bins < 1 || bins > MAX_BINS) {
            throw new IllegalArgumentException(
                    "histogram bins must be in [1, " + MAX_BINS + "], got " + bins);
        }
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException(
                    "histogram range must be finite with min < max, got ["
                            + min
                            + ", "
                            + max
                            + ")");
        }
        double width = (max - min) / bins;
        if (Math.max(Math.abs(min), Math.abs(max)) / width > MAX_EDGE_IN_WIDTHS) {
            throw new IllegalArgumentException(
                    "histogram bins of width "
                            + width
                            + " are too narrow for the range ["
                            + min
                            + ", "
                            + max
                            + "): the edges must lie within 2^20 bin widths of zero");
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
        return k == bins - 1 ? max : lower(k + 1);
    }

    /**
     * The bin of {@code x}: the last bin whose lower edge is {@code <= x}, else bin 0 (also for
     * NaN).
     */
    public int binOf(float x) {
        double v = x;
        int k = (int) Math.max(0, Math.min(bins - 1, Math.floor((v - min) / width())));
        while (k > 0 && v < lower(k)) {
            k--;
        }
        while (k < bins - 1 && v >= lower(k + 1)) {
            k++;
        }
        return k;
    }

    /**
     * The bins whose closed interval {@code [lower, upper]} contains 0: fastai's "near zero" bins.
     * Where 0 is an inner edge these are the two bins on either side of it (the default spec: bins
     * 19 and 20, {@code -0.5 <= x < 0.5}); where 0 lies inside a bin, that bin; where 0 is outside
     * the range, the end bin the clamped zero falls in.
     */
    public List<Integer> binsTouchingZero() {
        int k = binOf(0f);
        return k > 0 && lower(k) == 0 ? List.of(k - 1, k) : List.of(k);
    }

    /**
     * The smallest float32 {@code t} with {@code t >= lower(k)}: for every float {@code x}, {@code
     * x >= lower(k)} exactly when {@code x >= t} in float32, so the device compares in float32
     * without rounding any edge the wrong way.
     */
    float lowerAsFloat(int k) {
        double edge = lower(k);
        float t = (float) edge;
        return t < edge ? Math.nextUp(t) : t;
    }
}
