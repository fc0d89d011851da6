package org.normbench.analysis.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean and two-sided confidence interval of a small sample (seeds of one grid point), using the
 * Student t distribution with n-1 degrees of freedom: half-width = t(1 - alpha/2, n-1) * s /
 * sqrt(n), with s the sample standard deviation. With n = 1 there is no interval ({@link
 * #hasInterval()} is false, half-width NaN): the report says so instead of drawing a band of zero
 * width. NaN inputs (missing values) are ignored. Not for large-sample or bootstrap intervals.
 */
public record ConfidenceInterval(double mean, double halfWidth, int n, double level) {

    public static ConfidenceInterval of95(double[] values) {
        return of(values, 0.95);
    }

    public static ConfidenceInterval of(double[] values, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        }
        int n = 0;
        double sum = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                n++;
                sum += v;
            }
        }
        if (n == 0) {
            return new ConfidenceInterval(Double.NaN, Double.NaN, 0, level);
        }
        double mean = sum / n;
        if (n == 1) {
            return new ConfidenceInterval(mean, Double.NaN, 1, level);
        }
        double squares = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        double sd = Math.sqrt(squares / (n - 1));
        return new ConfidenceInterval(
                mean, tQuantile(1 - (1 - level) / 2, n - 1) * sd / Math.sqrt(n), n, level);
    }

    /** The p-quantile of Student's t with {@code df} degrees of freedom. */
    public static double tQuantile(double p, int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
        }
        return new TDistribution(null, df).inverseCumulativeProbability(p);
    }

    public boolean hasInterval() {
        return n >= 2 && Double.isFinite(halfWidth);
    }

    public double lower() {
        return mean - halfWidth;
    }

    public double upper() {
        return mean + halfWidth;
    }
}
