package org.normbench.analysis.load;

import java.util.List;

/**
 * Activation statistics of one cell (activations.csv): for each hooked layer, in depth order, the
 * logged steps and the per-step mean, std and dead-channel fraction. Arrays are indexed
 * [layer][logged step]; callers must not modify them.
 */
public record LayerStats(
    List<String> layers, int[][] steps, double[][] mean, double[][] std, double[][] deadChannelFrac) {}
