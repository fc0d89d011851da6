package org.normbench.analysis.figures;

/**
 * Curve helpers for plotting: a debiased exponential moving average (as fastai and TensorBoard
 * smooth training loss) that steps over non-finite values, and even thinning of long series so an
 * SVG stays small. Not statistics to report.
 */
public final class Smoothing {
    private Smoothing() {}

    /**
     * EMA with weight {@code beta} on the past, bias-corrected; NaN/Inf inputs yield NaN and are
     * skipped.
     */
    public static double[] ema(double[] values, double beta) {
        double[] out = new double[values.length];
        double avg = 0;
        int seen = 0;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                out[i] = Double.NaN;
                continue;
            }
            avg = beta * avg + (1 - beta) * values[i];
            seen++;
            out[i] = avg / (1 - Math.pow(beta, seen));
        }
        return out;
    }

    /**
     * Indices of at most {@code max} evenly spaced points, always keeping the first and the last.
     */
    public static int[] thin(int length, int max) {
        if (length <= max) {
            int[] all = new int[length];
            for (int i = 0; i < length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] idx = new int[max];
        for (int i = 0; i < max; i++) {
            idx[i] = (int) Math.round((double) i * (length - 1) / (max - 1));
        }
        return idx;
    }
}
