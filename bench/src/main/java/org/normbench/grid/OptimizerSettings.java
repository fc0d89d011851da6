package org.normbench.grid;

/**
 * SGD settings of a cell: momentum and L2 weight decay. Named "settings" so it never clashes with
 * DJL's {@code Optimizer}, which the training loop builds from it.
 */
public record OptimizerSettings(double momentum, double weightDecay) {

    public static final OptimizerSettings DEFAULT = new OptimizerSettings(0.9, 5e-4);

    public OptimizerSettings {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
    }
}
