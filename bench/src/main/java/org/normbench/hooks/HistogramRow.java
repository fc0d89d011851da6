package org.normbench.hooks;

/**
 * One histogram bin of one hooked layer at one step; one row of histograms.csv
 * (docs/results-format.md). Every bin is emitted, also empty ones.
 */
public record HistogramRow(
        int step, String layer, int bin, double lower, double upper, long count) {}
