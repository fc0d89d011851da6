package org.normbench.hooks;

/**
 * Summary statistics of one hooked layer's output at one step; one row of activations.csv
 * (docs/results-format.md). {@code std} is the population standard deviation.
 */
public record ActivationRow(int step, String layer, int layerIndex, double mean, double std,
                            double min, double max, double fracNonpositive, double deadChannelFrac) {}
