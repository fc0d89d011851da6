package org.normbench.grid;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One cell of a grid with every default applied: what to build (norm, activation, width), how to
 * train or time it, and where. Immutable and complete, so a cell can be run, stored in {@code
 * cell.json} and compared without the grid file. Not a result: outcomes live in results rows.
 *
 * <p>Settings that do not apply to a kind are still present: a throughput cell has {@link
 * HookSettings#DISABLED} and a step budget of warm-up plus timed steps; a train cell has {@link
 * ThroughputSettings#DEFAULT}, unused.
 *
 * @param cellId stable readable id, e.g. {@code train-gn-leaky_relu-bs8-w0.125-cpu-s0}
 * @param normOptions options as written in the grid (values as canonical strings), sorted by key;
 *     empty = defaults
 * @param device {@code cpu}, {@code gpu:N} or {@code auto}, as {@code DeviceSpec} prints it
 * @param divergenceLoss a training loss above this (or not finite) marks the cell diverged
 * @param logEverySteps training-curve rows every this many steps
 * @param validateEverySteps validation every this many steps; 0 = only after training
 * @param model the architecture, one of {@link #MODELS}
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
        int validateEverySteps,
        String model) {

    /**
     * Architectures a grid may name (key {@code model}); the harness builds each. {@code resnet18}
     * is the default; {@code lesson_cnn} is fast.ai's small CNN of notebooks 06-07.
     */
    public static final List<String> MODELS = List.of("resnet18", "lesson_cnn");

    public CellSpec {
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException(
                    "unknown model '" + model + "'; allowed: " + String.join(", ", MODELS));
        }
        normOptions = unmodifiableSorted(normOptions);
        activationOptions = unmodifiableSorted(activationOptions);
    }

    /**
     * Peak learning rate of this cell under its lr protocol (scaled with the batch size or fixed).
     */
    public double scaledLr() {
        return lr.scaledLr(batchSize);
    }

    /**
     * The {@code cells.csv} columns this spec decides, by column name (docs/results-format.md):
     * {@code cell_id, kind, norm, norm_options, activation, activation_options, batch_size, device,
     * seed, width, dataset, lr} (the scaled learning rate). Outcome columns are the runner's.
     */
    public Map<String, Object> columns() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cell_id", cellId);
        out.put("kind", kind.label());
        out.put("norm", norm);
        out.put("norm_options", normOptionsText());
        out.put("activation", activation);
        out.put("activation_options", activationOptionsText());
        out.put("batch_size", batchSize);
        out.put("device", device);
        out.put("seed", seed);
        out.put("width", width);
        out.put("dataset", dataset);
        out.put("lr", scaledLr());
        out.put("lr_protocol", lr.protocol().key());
        out.put("model", model);
        return out;
    }

    /**
     * The whole spec as flat snake_case values for {@code cell.json}: {@link #columns()} followed
     * by every setting, named as in the grid file ({@code epochs} or {@code steps}, {@code base_lr}
     * for the grid's {@code lr}, {@code hooks_*} for the hook settings).
     */
    public Map<String, Object> asMap() {
        Map<String, Object> out = columns();
        out.put(
                budget.unit() == Budget.Unit.EPOCHS ? "epochs" : "steps",
                budget.unit() == Budget.Unit.EPOCHS
                        ? (Object) budget.amount()
                        : (Object) (long) budget.amount());
        out.put("train_limit", data.trainLimit());
        out.put("test_limit", data.testLimit());
        out.put("validation_fraction", data.validationFraction());
        out.put("base_lr", lr.baseLr());
        out.put("lr_batch_size", lr.referenceBatchSize());
        out.put("warmup_fraction", lr.warmupFraction());
        out.put("schedule", lr.schedule());
        out.put("momentum", optimizer.momentum());
        out.put("weight_decay", optimizer.weightDecay());
        out.put("divergence_loss", divergenceLoss);
        out.put("log_every_steps", logEverySteps);
        out.put("validate_every_steps", validateEverySteps);
        out.put("hooks_enabled", hooks.enabled());
        out.put("hooks_every_steps", hooks.everySteps());
        out.put("hooks_layers", hooks.layers());
        out.put("hooks_bins", hooks.bins());
        out.put("hist_min", hooks.histMin());
        out.put("hist_max", hooks.histMax());
        out.put("hooks_dead_window", hooks.deadWindow());
        out.put("warmup_steps", throughput.warmupSteps());
        out.put("timed_steps", throughput.timedSteps());
        return out;
    }

    /**
     * {@code norm_options} column form: {@code key=value;key=value}, sorted, empty when defaults.
     */
    public String normOptionsText() {
        return optionsText(normOptions);
    }

    /** {@code activation_options} column form, as {@link #normOptionsText()}. */
    public String activationOptionsText() {
        return optionsText(activationOptions);
    }

    static String optionsText(Map<String, String> options) {
        return options.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(";"));
    }

    private static SortedMap<String, String> unmodifiableSorted(Map<String, String> options) {
        return Collections.unmodifiableSortedMap(
                new TreeMap<>(options == null ? Map.of() : options));
    }
}
