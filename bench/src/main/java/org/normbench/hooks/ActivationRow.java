package org.normbench.hooks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The statistics of one hooked layer's output at one logged step: one row of activations.csv. The
 * record declares its own columns ({@link #COLUMNS}: name, type, unit, doc line, value), and the
 * CSV writer, {@code ResultsSchema} and the results-format doc (held to it by a test) all read that
 * list. Adding a statistic is one component and one {@link #COLUMNS} entry here, plus its
 * computation on both statistics paths ({@link ActivationStats}, {@link CpuAggregates}). Not a
 * histogram row ({@link HistogramRow}).
 *
 * @param std population standard deviation
 * @param deadChannelFracWindow NaN until the layer has {@code deadWindow} logged steps
 */
public record ActivationRow(
        int step,
        String layer,
        int layerIndex,
        double mean,
        double std,
        double min,
        double max,
        double fracNonpositive,
        double deadChannelFrac,
        double zeroFrac,
        double nearZeroFrac,
        double deadChannelFracWindow) {

    /** How a column's values are written and read. */
    public enum Type {
        INT("int"),
        STRING("string"),
        DOUBLE("double");

        private final String csv;

        Type(String csv) {
            this.csv = csv;
        }

        /** The type's name in docs/results-format.md. */
        public String csv() {
            return csv;
        }
    }

    /**
     * One column of activations.csv.
     *
     * @param unit the value's unit as docs/results-format.md states it ({@code -} where none
     *     applies)
     * @param doc the column's meaning, one line, exactly as in docs/results-format.md
     * @param exact true when both statistics paths give the identical value (counts, min, max);
     *     false for float32-accumulated sums, which agree to float32 accuracy (ActivationStatsTest)
     */
    public record Column(
            String name,
            Type type,
            String unit,
            String doc,
            Function<ActivationRow, Object> value,
            boolean exact) {

        Column(
                String name,
                Type type,
                String unit,
                String doc,
                Function<ActivationRow, Object> value) {
            this(name, type, unit, doc, value, true);
        }

        /**
         * The value as written to the CSV. A non-finite double (a diverging cell, or a statistic
         * that is not yet defined) is a missing value: the format allows NaN/Infinity only in the
         * loss columns, where they are the observation.
         */
        public Object csvValue(ActivationRow row) {
            Object v = value.apply(row);
            return v instanceof Double d && !Double.isFinite(d) ? null : v;
        }
    }

    /** The columns in file order, after the run's {@code cell_id}. */
    public static final List<Column> COLUMNS =
            List.of(
                    new Column(
                            "step",
                            Type.INT,
                            "step",
                            "step at which the statistics were taken (training mode, that step's batch)",
                            ActivationRow::step),
                    new Column(
                            "layer",
                            Type.STRING,
                            "-",
                            "hooked block name, e.g. `stem`, `layer1.0`, `layer4.1` (depth order: `layer_index`)",
                            ActivationRow::layer),
                    new Column(
                            "layer_index",
                            Type.INT,
                            "-",
                            "0-based depth order of the layer among hooked layers",
                            ActivationRow::layerIndex),
                    new Column(
                            "mean",
                            Type.DOUBLE,
                            "activation",
                            "mean of the block output",
                            ActivationRow::mean,
                            false),
                    new Column(
                            "std",
                            Type.DOUBLE,
                            "activation",
                            "standard deviation of the block output (population)",
                            ActivationRow::std,
                            false),
                    new Column(
                            "min",
                            Type.DOUBLE,
                            "activation",
                            "smallest output value",
                            ActivationRow::min),
                    new Column(
                            "max",
                            Type.DOUBLE,
                            "activation",
                            "largest output value",
                            ActivationRow::max),
                    new Column(
                            "frac_nonpositive",
                            Type.DOUBLE,
                            "share",
                            "share of output values <= 0",
                            ActivationRow::fracNonpositive),
                    new Column(
                            "dead_channel_frac",
                            Type.DOUBLE,
                            "share",
                            "share of channels whose output is <= 0 for every element of the batch (legacy: also counts leaky channels)",
                            ActivationRow::deadChannelFrac),
                    new Column(
                            "zero_frac",
                            Type.DOUBLE,
                            "share",
                            "share of output values exactly 0 (-0 counts, NaN does not)",
                            ActivationRow::zeroFrac),
                    new Column(
                            "near_zero_frac",
                            Type.DOUBLE,
                            "share",
                            "share of output values in the histogram bins touching 0 (see below; fastai's \"% near zero\")",
                            ActivationRow::nearZeroFrac),
                    new Column(
                            "dead_channel_frac_window",
                            Type.DOUBLE,
                            "share",
                            "share of channels exactly 0 for every element at each of the layer's last `dead_window` logged steps;"
                                    + " empty before that many",
                            ActivationRow::deadChannelFracWindow));

    /** The column names in file order, {@code cell_id} first: activations.csv's header. */
    public static List<String> header() {
        List<String> names = new ArrayList<>();
        names.add("cell_id");
        COLUMNS.forEach(c -> names.add(c.name()));
        return List.copyOf(names);
    }

    /** This row's CSV values under {@link #header()}. */
    public List<Object> csvValues(String cellId) {
        Object[] values = new Object[COLUMNS.size() + 1];
        values[0] = cellId;
        for (int i = 0; i < COLUMNS.size(); i++) {
            values[i + 1] = COLUMNS.get(i).csvValue(this);
        }
        return Arrays.asList(values);
    }
}
