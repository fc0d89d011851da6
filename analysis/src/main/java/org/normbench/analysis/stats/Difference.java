package org.normbench.analysis.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The difference a - b of one measure between two groups of seeds, with its two-sided 95%
 * confidence interval. Paired by seed when at least two seeds have both values (the usual case: one
 * grid, the same seeds everywhere), so seed-to-seed variation shared by both arms cancels; the
 * interval is then Student t over the per-seed differences. Otherwise, Welch's unequal-variance
 * interval over the two groups. With one value per side there is no interval. Not a test of
 * equivalence by itself: {@code findings.Expectation} turns an interval into a verdict.
 */
public record Difference(double estimate, double low, double high, int n, String pairing) {
    public static final String PAIRED = "paired by seed";
    public static final String WELCH = "unpaired (Welch)";
    public static final String NONE = "no interval";

    /** a - b over seeds; maps are seed to value, NaN values are ignored. */
    public static Difference of(Map<Integer, Double> a, Map<Integer, Double> b) {
        Map<Integer, Double> aa = finite(a);
        Map<Integer, Double> bb = finite(b);
        List<Double> diffs = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : aa.entrySet()) {
            Double other = bb.get(e.getKey());
            if (other != null) {
                diffs.add(e.getValue() - other);
            }
        }
        if (diffs.size() >= 2) {
            ConfidenceInterval ci =
                    ConfidenceInterval.of95(
                            diffs.stream().mapToDouble(Double::doubleValue).toArray());
            return new Difference(ci.mean(), ci.lower(), ci.upper(), ci.n(), PAIRED);
        }
        if (aa.isEmpty() || bb.isEmpty()) {
            return new Difference(Double.NaN, Double.NaN, Double.NaN, 0, NONE);
        }
        double[] x = aa.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = bb.values().stream().mapToDouble(Double::doubleValue).toArray();
        double estimate = mean(x) - mean(y);
        int n = Math.min(x.length, y.length);
        if (x.length < 2 || y.length < 2) {
            return new Difference(estimate, Double.NaN, Double.NaN, n, NONE);
        }
        double vx = variance(x) / x.length;
        double vy = variance(y) / y.length;
        double se = Math.sqrt(vx + vy);
        if (se == 0) {
            return new Difference(estimate, estimate, estimate, n, WELCH);
        }
        double df = (vx + vy) * (vx + vy) / (vx * vx / (x.length - 1) + vy * vy / (y.length - 1));
        double t = new TDistribution(null, df).inverseCumulativeProbability(0.975);
        return new Difference(estimate, estimate - t * se, estimate + t * se, n, WELCH);
    }

    public boolean hasInterval() {
        return Double.isFinite(low) && Double.isFinite(high);
    }

    private static Map<Integer, Double> finite(Map<Integer, Double> m) {
        Map<Integer, Double> out = new TreeMap<>();
        m.forEach(
                (k, v) -> {
                    if (v != null && !Double.isNaN(v)) {
                        out.put(k, v);
                    }
                });
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double variance(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }
}
