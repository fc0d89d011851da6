package org.normbench.train;

import java.util.List;
import org.normbench.hooks.ActivationRow;
import org.normbench.hooks.HistogramRow;

/**
 * Everything a training cell reports: outcome, budget used, timing, memory, curves and activation
 * statistics. {@code finalTrainLoss} is the mean loss of the last {@link Recorder#FINAL_WINDOW}
 * steps (fewer when the fit was shorter). Step times exclude the timer's warm-up steps; they are
 * NaN when no step was timed. {@code peakMemoryBytes} is the process RSS high-water mark on CPU and
 * the largest CUDA memory use seen after a step on GPU.
 */
public record FitResult(
        Status status,
        String message,
        int steps,
        double epochs,
        double finalTrainLoss,
        double trainSeconds,
        double stepMsMedian,
        double stepMsP90,
        double imagesPerSecond,
        long peakMemoryBytes,
        List<CurvePoint> curve,
        List<ActivationRow> activations,
        List<HistogramRow> histograms,
        Evaluation lastValidation) {

    public enum Status {
        OK,
        DIVERGED
    }
}
