package org.normbench.grid;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One cell of a grid with every default applied: what to build (norm, activation, width), how to
 * train or time it, and where. Immutable and complete, so a cell can be run, stored in
 * {@code cell.json} and compared without the grid file. Not a result: outcomes live in results rows.
 *
 * <p>Settings that do not apply to a kind are still present: a throughput cell has
 * {@link HookSettings#DISABLED} and a step budget of warm-up plus timed steps; a train cell has
 * {@link ThroughputSettings#DEFAULT}, unused.
 *
 * @param cellId stable readable id, e.g. {@code train-gn-leaky_relu-bs8-w0.125-cpu-s0}
 * @param normOptions options as written in the grid (values as canonical strings), sorted by key; empty = defaults
 * @param device {@code cpu}, {@code gpu:N} or {@code auto}, as {@code DeviceSpec} prints it
 * @param divergenceLoss a training loss above this (or not finite) marks the cell diverged
 * @param logEverySteps training-curve rows every this many steps
 * @param validateEverySteps validation every this many steps; 0 = only after training
 */
public record CellSpec(
        String cellId,
        CellKind kind,
        String norm,
        SortedMap<String, String> normOptions,
        String activation,
        SortedMap<String, String> activationOptions,
        int batchSize,
        String device,
        long seed,
        double width,
        String dataset,
        Budget budget,
        DataLimits data,
        LrRule lr,
        OptimizerSettings optimizer,
        double divergenceLoss,
        HookSettings hooks,
        ThroughputSettings throughput,
        int logEverySteps,
        int validateEverySteps) {

    public CellSpec {
        normOptions = unmodifiableSorted(normOptions);
        activationOptions = unmodifiableSorted(activationOptions);
    }

    /** Peak learning rate of this cell after batch-size scaling. */
    public double scaledLr() {
        return lr.scaledLr(batchSize);
    }

    /** {@code norm_options} column form: {@code key=value;key=value}, sorted, empty when defaults. */
    public String normOptionsText() {
        return optionsText(normOptions);
    }

    /** {@code activation_options} column form, as {@link #normOptionsText()}. */
    public String activationOptionsText() {
        return optionsText(activationOptions);
    }

    static String optionsText(Map<String, String> options) {
        return options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    private static SortedMap<String, String> unmodifiableSorted(Map<String, String> options) {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(options == null ? Map.of() : options));
    }
}
