package org.normbench.results;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;
import org.normbench.grid.LrRule;

/**
 * What one cell was and what came of it: one row of cells.csv. The record declares its own columns
 * ({@link #COLUMNS}: name, type, doc line, how to read and set the value), and the CSV writer,
 * {@code cell.json}, {@code ResultsSchema} and the results-format doc (held to it by {@code
 * CellOutcomeDocTest}) all read that list. Built by name with {@link Builder}, read back from a CSV
 * row by {@link #read}. Adding a column is one component, one {@link #COLUMNS} entry and one {@link
 * Builder} setter here. Null is an empty field (a value that does not apply or was not measured).
 * Not the cell's spec ({@link CellSpec}) nor its long tables ({@link CellOutput}).
 */
public record CellOutcome(
        String cellId,
        CellKind kind,
        String norm,
        String normOptions,
        String activation,
        String activationOptions,
        Integer batchSize,
        String device,
        Long seed,
        Double width,
        String dataset,
        String implementation,
        CellStatus status,
        String error,
        Long params,
        Double epochs,
        Integer steps,
        Double finalTrainLoss,
        Double testLoss,
        Double testAccuracy,
        Double trainSeconds,
        Double imagesPerSecond,
        Double stepMsMedian,
        Double stepMsP90,
        Long peakMemoryBytes,
        Double lr,
        String startedAt,
        String finishedAt,
        Double cpuShare,
        Boolean contended,
        LrRule.Protocol lrProtocol,
        String model) {

    /**
     * How a column's values are written, read and documented.
     *
     * @param doc the type as docs/results-format.md states it
     * @param csv the value as the CSV writer formats it ({@code RunDirectory}: Java's round-trip
     *     form of its boxed type, so an {@code Integer} stays {@code 8} and a {@code Double} {@code
     *     8.0})
     */
    public record Type<T>(String doc, Function<String, T> parse, Function<T, Object> csv) {
        public static final Type<String> STRING = new Type<>("string", s -> s, s -> s);
        public static final Type<Integer> INT = new Type<>("int", Integer::valueOf, v -> v);
        public static final Type<Long> LONG = new Type<>("long", Long::valueOf, v -> v);
        public static final Type<Double> DOUBLE = new Type<>("double", Double::valueOf, v -> v);
        public static final Type<Boolean> BOOLEAN =
                oneOf(List.of(Boolean.TRUE, Boolean.FALSE), Object::toString);
        public static final Type<CellKind> KIND =
                oneOf(Arrays.asList(CellKind.values()), CellKind::label);
        public static final Type<CellStatus> STATUS =
                oneOf(Arrays.asList(CellStatus.values()), CellStatus::csv);
        public static final Type<LrRule.Protocol> LR_PROTOCOL =
                oneOf(Arrays.asList(LrRule.Protocol.values()), LrRule.Protocol::key);
        public static final Type<String> MODEL = oneOf(CellSpec.MODELS, s -> s);

        /** A closed set of values, written as {@code key} gives them. */
        static <E> Type<E> oneOf(List<E> values, Function<E, String> key) {
            List<String> keys = values.stream().map(key).toList();
            return new Type<>(
                    String.join(" \\| ", keys.stream().map(k -> "`" + k + "`").toList()),
                    s -> {
                        int i = keys.indexOf(s);
                        if (i < 0) {
                            throw new IllegalArgumentException(
                                    "'" + s + "' is not one of " + String.join(", ", keys));
                        }
                        return values.get(i);
                    },
                    v -> key.apply(v));
        }
    }

    /**
     * One column of cells.csv.
     *
     * @param doc the column's meaning, one line, exactly as in docs/results-format.md
     */
    public record Column<T>(
            String name,
            Type<T> type,
            String doc,
            Function<CellOutcome, T> value,
            BiConsumer<Builder, T> set) {

        /** The value as the CSV writer takes it; null for an empty field. */
        public Object csvValue(CellOutcome row) {
            T v = value.apply(row);
            return v == null ? null : type.csv().apply(v);
        }

        /** Sets this column of {@code b} from its CSV text; empty text is null. */
        void read(Builder b, String text) {
            set.accept(b, text == null || text.isEmpty() ? null : type.parse().apply(text));
        }
    }

    /** The columns in file order. */
    public static final List<Column<?>> COLUMNS =
            List.of(
                    new Column<>(
                            "cell_id",
                            Type.STRING,
                            "stable id, e.g. `train-bn-relu-bs8-w0.125-cpu-s0` (same grid gives the same ids; docs/grid-format.md)",
                            CellOutcome::cellId,
                            Builder::cellId),
                    new Column<>(
                            "kind",
                            Type.KIND,
                            "accuracy study cell, or timed steps only",
                            CellOutcome::kind,
                            Builder::kind),
                    new Column<>(
                            "norm",
                            Type.STRING,
                            "norm name: `bn`, `gn`, `ln`, `rbn` or a registered custom norm",
                            CellOutcome::norm,
                            Builder::norm),
                    new Column<>(
                            "norm_options",
                            Type.STRING,
                            "options as `key=value;key=value` (e.g. `groups=32`), empty when defaults",
                            CellOutcome::normOptions,
                            Builder::normOptions),
                    new Column<>(
                            "activation",
                            Type.STRING,
                            "`relu`, `leaky_relu`, or registered custom",
                            CellOutcome::activation,
                            Builder::activation),
                    new Column<>(
                            "activation_options",
                            Type.STRING,
                            "e.g. `negative_slope=0.01`",
                            CellOutcome::activationOptions,
                            Builder::activationOptions),
                    new Column<>(
                            "batch_size",
                            Type.INT,
                            "images per step",
                            CellOutcome::batchSize,
                            Builder::batchSize),
                    new Column<>(
                            "device",
                            Type.STRING,
                            "`cpu`, `gpu:0`, ... as resolved",
                            CellOutcome::device,
                            Builder::device),
                    new Column<>(
                            "seed",
                            Type.LONG,
                            "seed of model init, data order and augmentation",
                            CellOutcome::seed,
                            Builder::seed),
                    new Column<>(
                            "width",
                            Type.DOUBLE,
                            "width multiplier (1.0 = 64/128/256/512 channels)",
                            CellOutcome::width,
                            Builder::width),
                    new Column<>(
                            "dataset",
                            Type.STRING,
                            "`fashion-mnist`, `cifar10`, ...",
                            CellOutcome::dataset,
                            Builder::dataset),
                    new Column<>(
                            "implementation",
                            Type.STRING,
                            "`djl` for cells normbench trains; `pytorch-eager` for reference rows",
                            CellOutcome::implementation,
                            Builder::implementation),
                    new Column<>(
                            "status", Type.STATUS, "outcome", CellOutcome::status, Builder::status),
                    new Column<>(
                            "error",
                            Type.STRING,
                            "message for non-ok cells, empty otherwise",
                            CellOutcome::error,
                            Builder::error),
                    new Column<>(
                            "params",
                            Type.LONG,
                            "trainable parameters",
                            CellOutcome::params,
                            Builder::params),
                    new Column<>(
                            "epochs",
                            Type.DOUBLE,
                            "epochs trained (fractional when the budget is in steps)",
                            CellOutcome::epochs,
                            Builder::epochs),
                    new Column<>(
                            "steps",
                            Type.INT,
                            "optimizer steps taken",
                            CellOutcome::steps,
                            Builder::steps),
                    new Column<>(
                            "final_train_loss",
                            Type.DOUBLE,
                            "mean training loss over the last logged window",
                            CellOutcome::finalTrainLoss,
                            Builder::finalTrainLoss),
                    new Column<>(
                            "test_loss",
                            Type.DOUBLE,
                            "loss on the test split after training (train cells)",
                            CellOutcome::testLoss,
                            Builder::testLoss),
                    new Column<>(
                            "test_accuracy",
                            Type.DOUBLE,
                            "accuracy in [0,1] on the test split (train cells)",
                            CellOutcome::testAccuracy,
                            Builder::testAccuracy),
                    new Column<>(
                            "train_seconds",
                            Type.DOUBLE,
                            "wall time of the cell's training (excludes data loading set-up)",
                            CellOutcome::trainSeconds,
                            Builder::trainSeconds),
                    new Column<>(
                            "images_per_second",
                            Type.DOUBLE,
                            "batch_size / median step time (timed steps only)",
                            CellOutcome::imagesPerSecond,
                            Builder::imagesPerSecond),
                    new Column<>(
                            "step_ms_median",
                            Type.DOUBLE,
                            "median step time over timed steps (after warm-up)",
                            CellOutcome::stepMsMedian,
                            Builder::stepMsMedian),
                    new Column<>(
                            "step_ms_p90",
                            Type.DOUBLE,
                            "90th percentile step time",
                            CellOutcome::stepMsP90,
                            Builder::stepMsP90),
                    new Column<>(
                            "peak_memory_bytes",
                            Type.LONG,
                            "peak during the cell: process RSS high-water mark on CPU; on a GPU the bytes held by tensors, as `torch.cuda.max_memory_allocated` reads them, with a JNI built by `gpu-setup`, else the device-wide use (`cudaMemGetInfo`, which also counts the allocator's cache and the CUDA context) sampled after every step",
                            CellOutcome::peakMemoryBytes,
                            Builder::peakMemoryBytes),
                    new Column<>(
                            "lr",
                            Type.DOUBLE,
                            "peak learning rate this cell trained with (after `lr_protocol`; the training loop reads the same rule)",
                            CellOutcome::lr,
                            Builder::lr),
                    new Column<>(
                            "started_at",
                            Type.STRING,
                            "ISO-8601 UTC",
                            CellOutcome::startedAt,
                            Builder::startedAt),
                    new Column<>(
                            "finished_at",
                            Type.STRING,
                            "ISO-8601 UTC",
                            CellOutcome::finishedAt,
                            Builder::finishedAt),
                    new Column<>(
                            "cpu_share",
                            Type.DOUBLE,
                            "over the timed steps (throughput cells) or the whole fit (train cells): the process's CPU time / (its CPU time + time its threads waited runnable for a CPU), from `/proc/self/task/*/schedstat`; empty where unknown",
                            CellOutcome::cpuShare,
                            Builder::cpuShare),
                    new Column<>(
                            "contended",
                            Type.BOOLEAN,
                            "`true` when `cpu_share` < 0.8: the cell got well under the CPU time it asked for because other processes competed, so its step times and images/s understate the machine; empty where unknown",
                            CellOutcome::contended,
                            Builder::contended),
                    new Column<>(
                            "lr_protocol",
                            Type.LR_PROTOCOL,
                            "how `lr` follows the batch size: `lr * batch_size / lr_batch_size`, or the grid's `lr` at every batch size",
                            CellOutcome::lrProtocol,
                            Builder::lrProtocol),
                    new Column<>(
                            "model",
                            Type.MODEL,
                            "the architecture (grid key `model`; `lesson_cnn` is fast.ai lesson 10's small CNN, see grid-format.md); part of each cell's setting: the report evaluates findings per model and says which model each figure shows",
                            CellOutcome::model,
                            Builder::model));

    /** The column names in file order: cells.csv's header. */
    public static List<String> header() {
        return COLUMNS.stream().map(Column::name).toList();
    }

    /** This row's CSV values under {@link #header()}. */
    public List<Object> csvValues() {
        List<Object> values = new ArrayList<>(COLUMNS.size());
        for (Column<?> c : COLUMNS) {
            values.add(c.csvValue(this));
        }
        return values;
    }

    /** This row by column name, in file order, empty fields as null ({@code cell.json}). */
    public Map<String, Object> asMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Column<?> c : COLUMNS) {
            out.put(c.name(), c.csvValue(this));
        }
        return out;
    }

    /**
     * A row read back from cells.csv, given each column's text by name (null or empty: an empty
     * field, as are columns an older run lacks).
     *
     * @throws IllegalArgumentException naming the column whose text does not parse
     */
    public static CellOutcome read(Function<String, String> field) {
        Builder b = new Builder();
        for (Column<?> c : COLUMNS) {
            try {
                c.read(b, field.apply(c.name()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "cells.csv column '" + c.name() + "': " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** A builder with the columns {@code cell} decides already set ({@link CellSpec#columns()}). */
    public static Builder builder(CellSpec cell) {
        return new Builder()
                .cellId(cell.cellId())
                .kind(cell.kind())
                .norm(cell.norm())
                .normOptions(cell.normOptionsText())
                .activation(cell.activation())
                .activationOptions(cell.activationOptionsText())
                .batchSize(cell.batchSize())
                .device(cell.device())
                .seed(cell.seed())
                .width(cell.width())
                .dataset(cell.dataset())
                .lr(cell.scaledLr())
                .lrProtocol(cell.lr().protocol())
                .model(cell.model());
    }

    /** Sets columns by name; unset columns are empty fields. */
    public static final class Builder {
        private String cellId;
        private CellKind kind;
        private String norm;
        private String normOptions;
        private String activation;
        private String activationOptions;
        private Integer batchSize;
        private String device;
        private Long seed;
        private Double width;
        private String dataset;
        private String implementation;
        private CellStatus status;
        private String error;
        private Long params;
        private Double epochs;
        private Integer steps;
        private Double finalTrainLoss;
        private Double testLoss;
        private Double testAccuracy;
        private Double trainSeconds;
        private Double imagesPerSecond;
        private Double stepMsMedian;
        private Double stepMsP90;
        private Long peakMemoryBytes;
        private Double lr;
        private String startedAt;
        private String finishedAt;
        private Double cpuShare;
        private Boolean contended;
        private LrRule.Protocol lrProtocol;
        private String model;

        public Builder() {}

        public Builder cellId(String value) {
            this.cellId = value;
            return this;
        }

        public Builder kind(CellKind value) {
            this.kind = value;
            return this;
        }

        public Builder norm(String value) {
            this.norm = value;
            return this;
        }

        public Builder normOptions(String value) {
            this.normOptions = value;
            return this;
        }

        public Builder activation(String value) {
            this.activation = value;
            return this;
        }

        public Builder activationOptions(String value) {
            this.activationOptions = value;
            return this;
        }

        public Builder batchSize(Integer value) {
            this.batchSize = value;
            return this;
        }

        public Builder device(String value) {
            this.device = value;
            return this;
        }

        public Builder seed(Long value) {
            this.seed = value;
            return this;
        }

        public Builder width(Double value) {
            this.width = value;
            return this;
        }

        public Builder dataset(String value) {
            this.dataset = value;
            return this;
        }

        public Builder implementation(String value) {
            this.implementation = value;
            return this;
        }

        public Builder status(CellStatus value) {
            this.status = value;
            return this;
        }

        public Builder error(String value) {
            this.error = value;
            return this;
        }

        public Builder params(Long value) {
            this.params = value;
            return this;
        }

        public Builder epochs(Double value) {
            this.epochs = value;
            return this;
        }

        public Builder steps(Integer value) {
            this.steps = value;
            return this;
        }

        public Builder finalTrainLoss(Double value) {
            this.finalTrainLoss = value;
            return this;
        }

        public Builder testLoss(Double value) {
            this.testLoss = value;
            return this;
        }

        public Builder testAccuracy(Double value) {
            this.testAccuracy = value;
            return this;
        }

        public Builder trainSeconds(Double value) {
            this.trainSeconds = value;
            return this;
        }

        public Builder imagesPerSecond(Double value) {
            this.imagesPerSecond = value;
            return this;
        }

        public Builder stepMsMedian(Double value) {
            this.stepMsMedian = value;
            return this;
        }

        public Builder stepMsP90(Double value) {
            this.stepMsP90 = value;
            return this;
        }

        public Builder peakMemoryBytes(Long value) {
            this.peakMemoryBytes = value;
            return this;
        }

        public Builder lr(Double value) {
            this.lr = value;
            return this;
        }

        public Builder startedAt(String value) {
            this.startedAt = value;
            return this;
        }

        public Builder finishedAt(String value) {
            this.finishedAt = value;
            return this;
        }

        public Builder cpuShare(Double value) {
            this.cpuShare = value;
            return this;
        }

        public Builder contended(Boolean value) {
            this.contended = value;
            return this;
        }

        public Builder lrProtocol(LrRule.Protocol value) {
            this.lrProtocol = value;
            return this;
        }

        public Builder model(String value) {
            this.model = value;
            return this;
        }

        public CellOutcome build() {
            return new CellOutcome(
                    cellId,
                    kind,
                    norm,
                    normOptions,
                    activation,
                    activationOptions,
                    batchSize,
                    device,
                    seed,
                    width,
                    dataset,
                    implementation,
                    status,
                    error,
                    params,
                    epochs,
                    steps,
                    finalTrainLoss,
                    testLoss,
                    testAccuracy,
                    trainSeconds,
                    imagesPerSecond,
                    stepMsMedian,
                    stepMsP90,
                    peakMemoryBytes,
                    lr,
                    startedAt,
                    finishedAt,
                    cpuShare,
                    contended,
                    lrProtocol,
                    model);
        }
    }
}
