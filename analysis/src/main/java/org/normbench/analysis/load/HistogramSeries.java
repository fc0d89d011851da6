package org.normbench.analysis.load;

import java.util.List;

/**
 * The activation histograms of one cell over training (histograms.csv), as a dense cube
 * counts[layer][logged step][bin] with the bin edges. Layers are in the order of first appearance
 * in the file (the writer emits them in depth order). Callers must not modify the arrays.
 */
public record HistogramSeries(
        List<String> layers,
        int[] steps,
        double[] lowerEdges,
        double upperEdge,
        long[][][] counts) {
    public int bins() {
        return lowerEdges.length;
    }
}
