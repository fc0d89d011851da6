package org.normbench.train;

/**
 * What the training loop itself knows after {@link Learner#fit()}: how it ended, the budget used
 * and its wall time ({@code trainSeconds}, validation included). Metrics, timings and activation
 * statistics are not here: they belong to their callbacks ({@link Recorder}, {@link StepTimer},
 * {@link ActivationStatsCallback}; see {@link StandardCallbacks}).
 */
public record FitResult(
        Status status, String message, int steps, double epochs, double trainSeconds) {

    public enum Status {
        OK,
        DIVERGED
    }
}
