package org.normbench.analysis.load;

import java.util.List;

/**
 * Activation statistics of one cell (activations.csv): for each hooked layer, in depth order, the
 * logged steps and the per-step mean, std and dead-unit measures. Arrays are indexed [layer][logged
 * step]; callers must not modify them. The optional measures (zero_frac, near_zero_frac,
 * dead_channel_frac_window) are NaN where the run did not record them.
 */
public record LayerStats(
        List<String> layers,
        int[][] steps,
        double[][] mean,
        double[][] std,
        double[][] deadChannelFrac,
        double[][] zeroFrac,
        double[][] nearZeroFrac,
        double[][] deadChannelFracWindow) {

    /**
     * True when at least one logged value of {@code measure} (one of this record's arrays) is
     * recorded.
     */
    public static boolean recorded(double[][] measure) {
        for (double[] layer : measure) {
            for (double v : layer) {
                if (!Double.isNaN(v)) {
                    return true;
                }
            }
        }
        return false;
    }
}
