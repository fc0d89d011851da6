package org.normbench.analysis.load;

/**
 * The training-loss curve of one cell (curves.csv), in step order. Arrays are owned by the record;
 * callers must not modify them.
 */
public record Curve(int[] steps, double[] trainLoss) {
    public int size() {
        return steps.length;
    }
}
