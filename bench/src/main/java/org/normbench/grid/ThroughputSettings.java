package org.normbench.grid;

/**
 * Timing protocol of a throughput cell, as in timm's benchmark.py: {@code warmupSteps} untimed
 * steps, then {@code timedSteps} device-synchronised steps whose median and p90 are reported.
 */
public record ThroughputSettings(int warmupSteps, int timedSteps) {

    public static final ThroughputSettings DEFAULT = new ThroughputSettings(10, 40);

    public ThroughputSettings {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (timedSteps < 1) {
            throw new IllegalArgumentException("timedSteps must be >= 1, got " + timedSteps);
        }
    }
}
