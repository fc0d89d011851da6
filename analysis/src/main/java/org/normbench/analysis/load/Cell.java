package org.normbench.analysis.load;

import java.util.List;
import java.util.Set;

/**
 * One row of cells.csv: a point of the grid and its outcome. Numbers that do not apply to the cell
 * (test accuracy of a throughput cell) are NaN; the report treats NaN as "missing", never as zero.
 * {@code contended} is cells.csv's flag for a cell that got well under its share of the CPU
 * (docs/results-format.md); false for runs written before the column existed. {@code model} is
 * cells.csv's architecture ({@code resnet18}, {@code lesson_cnn}); runs written before the column
 * existed trained ResNet18.
 */
public record Cell(
        String cellId,
        String kind,
        String norm,
        String activation,
        int batchSize,
        String device,
        int seed,
        String width,
        String dataset,
        String implementation,
        String status,
        String error,
        double finalTrainLoss,
        double testLoss,
        double testAccuracy,
        double trainSeconds,
        double imagesPerSecond,
        double stepMsMedian,
        double stepMsP90,
        String lrProtocol,
        boolean contended,
        String model) {

    public static final Set<String> KINDS = Set.of("train", "throughput");

    /** cells.csv {@code lr_protocol}; runs written before the column existed scaled lr linearly. */
    public static final List<String> LR_PROTOCOLS = List.of("linear_scaling", "fixed");

    public static final String DEFAULT_LR_PROTOCOL = "linear_scaling";

    /** cells.csv {@code model} of runs written before the column existed. */
    public static final String DEFAULT_MODEL = "resnet18";

    public static final List<String> STATUSES =
            List.of("ok", "diverged", "oom", "error", "skipped");

    public boolean isTrain() {
        return "train".equals(kind);
    }

    public boolean isOk() {
        return "ok".equals(status);
    }

    /** Norm x activation, the unit the study compares, e.g. {@code bn-relu}. */
    public String variant() {
        return norm + "-" + activation;
    }

    /**
     * What besides norm, activation, batch size and seed defines the experiment (model, dataset,
     * width, device): cells are only compared or averaged within one setting.
     */
    public String setting() {
        return model
                + ", "
                + (dataset.isEmpty() ? "?" : dataset)
                + ", width "
                + (width.isEmpty() ? "?" : width)
                + ", "
                + device;
    }

    /** Test error in percent, NaN when the cell has no test accuracy. */
    public double testErrorPercent() {
        return Double.isNaN(testAccuracy) ? Double.NaN : 100.0 * (1.0 - testAccuracy);
    }
}
