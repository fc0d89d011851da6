package org.normbench.analysis.load;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@code reports/runs/<run-id>/} as documented in docs/results-format.md (schema 1) into a
 * {@link Run}. Every check reports file, line, column and value. Streams the big CSVs into
 * primitive arrays; it never holds a whole file in memory. Not a writer and not a validator of the
 * science (a NaN loss of a diverged cell is data, not an error).
 */
public final class RunLoader {
    /** Run ids as the results format allows them; also keeps ids safe as path segments. */
    public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]+");

    private RunLoader() {}

    public static Run load(Path runDir) throws IOException {
        String id = runDir.getFileName() == null ? "" : runDir.getFileName().toString();
        if (!RUN_ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new ResultsFormatException(
                    runDir
                            + ": run id '"
                            + id
                            + "' is not allowed (letters, digits, '.', '_', '-' only)");
        }
        if (!Files.isDirectory(runDir)) {
            throw new ResultsFormatException(runDir + ": no such run directory");
        }
        Manifest manifest = Manifest.read(runDir.resolve("manifest.json"));
        List<Cell> cells = readCells(runDir);
        Map<String, Curve> curves = readCurves(runDir);
        Map<String, LayerStats> activations = readActivations(runDir);
        List<JmhResult> jmh = readJmh(runDir.resolve("jmh"));
        return new Run(runDir, manifest, List.copyOf(cells), curves, activations, jmh);
    }

    static List<Cell> readCells(Path runDir) throws IOException {
        CsvTable table = CsvTable.locate(runDir, "cells.csv");
        if (!table.isPresent()) {
            throw new ResultsFormatException(
                    runDir.resolve("cells.csv")
                            + ": missing (and no cells/<cell-id>/cells.csv to fall back on)");
        }
        List<Cell> cells = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        table.forEach(
                row -> {
                    String id = row.requireText("cell_id");
                    if (!seen.add(id)) {
                        throw ResultsFormatException.at(
                                row.file(), row.line(), "cell_id", "'" + id + "' appears twice");
                    }
                    String kind = row.requireText("kind");
                    if (!Cell.KINDS.contains(kind)) {
                        throw ResultsFormatException.at(
                                row.file(),
                                row.line(),
                                "kind",
                                "'" + kind + "' is not one of [train, throughput]");
                    }
                    String status = row.requireText("status");
                    if (!Cell.STATUSES.contains(status)) {
                        throw ResultsFormatException.at(
                                row.file(),
                                row.line(),
                                "status",
                                "'" + status + "' is not one of " + Cell.STATUSES);
                    }
                    int batch = row.integer("batch_size");
                    if (batch < 1) {
                        throw ResultsFormatException.at(
                                row.file(),
                                row.line(),
                                "batch_size",
                                "'" + batch + "' must be >= 1");
                    }
                    double accuracy = row.optionalDouble("test_accuracy");
                    if (accuracy < 0 || accuracy > 1) {
                        throw ResultsFormatException.at(
                                row.file(),
                                row.line(),
                                "test_accuracy",
                                "'" + row.text("test_accuracy") + "' is outside [0, 1]");
                    }
                    String implementation = row.text("implementation");
                    String protocol =
                            row.text("lr_protocol").isEmpty()
                                    ? Cell.DEFAULT_LR_PROTOCOL
                                    : row.text("lr_protocol");
                    if (!Cell.LR_PROTOCOLS.contains(protocol)) {
                        throw ResultsFormatException.at(
                                row.file(),
                                row.line(),
                                "lr_protocol",
                                "'" + protocol + "' is not one of " + Cell.LR_PROTOCOLS);
                    }
                    cells.add(
                            new Cell(
                                    id,
                                    kind,
                                    row.requireText("norm"),
                                    row.requireText("activation"),
                                    batch,
                                    row.requireText("device"),
                                    row.integer("seed"),
                                    row.text("width"),
                                    row.text("dataset"),
                                    implementation.isEmpty() ? "djl" : implementation,
                                    status,
                                    row.text("error"),
                                    row.lossValue("final_train_loss"),
                                    row.lossValue("test_loss"),
                                    accuracy,
                                    row.optionalDouble("train_seconds"),
                                    row.optionalDouble("images_per_second"),
                                    row.optionalDouble("step_ms_median"),
                                    row.optionalDouble("step_ms_p90"),
                                    protocol,
                                    "true".equals(row.text("contended")),
                                    row.text("model").isEmpty()
                                            ? Cell.DEFAULT_MODEL
                                            : row.text("model")));
                });
        return cells;
    }

    static Map<String, Curve> readCurves(Path runDir) throws IOException {
        CsvTable table = CsvTable.locate(runDir, "curves.csv");
        Map<String, Growing> byCell = new LinkedHashMap<>();
        table.forEach(
                row -> {
                    Growing g =
                            byCell.computeIfAbsent(row.requireText("cell_id"), k -> new Growing(1));
                    g.add(row.integer("step"), row.lossValue("train_loss"));
                });
        Map<String, Curve> curves = new HashMap<>();
        byCell.forEach(
                (id, g) -> {
                    g.sortBySteps();
                    curves.put(id, new Curve(g.steps(), g.values(0)));
                });
        return curves;
    }

    static Map<String, LayerStats> readActivations(Path runDir) throws IOException {
        CsvTable table = CsvTable.locate(runDir, "activations.csv");
        // cell -> layer_index -> series; layer names checked against their index.
        Map<String, TreeMap<Integer, Growing>> byCell = new HashMap<>();
        Map<String, TreeMap<Integer, String>> names = new HashMap<>();
        table.forEach(
                row -> {
                    String cell = row.requireText("cell_id");
                    int index = row.integer("layer_index");
                    String layer = row.requireText("layer");
                    String known =
                            names.computeIfAbsent(cell, k -> new TreeMap<>())
                                    .putIfAbsent(index, layer);
                    if (known != null && !known.equals(layer)) {
                        throw ResultsFormatException.at(
                                row.file(),
                                row.line(),
                                "layer",
                                "'"
                                        + layer
                                        + "' has layer_index "
                                        + index
                                        + ", which earlier rows of cell "
                                        + cell
                                        + " gave to '"
                                        + known
                                        + "'");
                    }
                    Growing g =
                            byCell.computeIfAbsent(cell, k -> new TreeMap<>())
                                    .computeIfAbsent(index, k -> new Growing(6));
                    g.add(
                            row.integer("step"),
                            row.requireDouble("mean"),
                            row.requireDouble("std"),
                            fraction(row, "dead_channel_frac", true),
                            fraction(row, "zero_frac", false),
                            fraction(row, "near_zero_frac", false),
                            fraction(row, "dead_channel_frac_window", false));
                });
        Map<String, LayerStats> out = new HashMap<>();
        byCell.forEach(
                (cell, layers) -> {
                    int n = layers.size();
                    int[][] steps = new int[n][];
                    double[][] mean = new double[n][];
                    double[][] std = new double[n][];
                    double[][] dead = new double[n][];
                    double[][] zero = new double[n][];
                    double[][] nearZero = new double[n][];
                    double[][] deadWindow = new double[n][];
                    int i = 0;
                    for (Growing g : layers.values()) {
                        g.sortBySteps();
                        steps[i] = g.steps();
                        mean[i] = g.values(0);
                        std[i] = g.values(1);
                        dead[i] = g.values(2);
                        zero[i] = g.values(3);
                        nearZero[i] = g.values(4);
                        deadWindow[i] = g.values(5);
                        i++;
                    }
                    out.put(
                            cell,
                            new LayerStats(
                                    List.copyOf(names.get(cell).values()),
                                    steps,
                                    mean,
                                    std,
                                    dead,
                                    zero,
                                    nearZero,
                                    deadWindow));
                });
        return out;
    }

    /** A share in [0, 1]; an optional column may be absent or empty (NaN: not measured). */
    private static double fraction(CsvTable.Row row, String column, boolean required) {
        double value = required ? row.requireDouble(column) : row.optionalDouble(column);
        if (value < 0 || value > 1) {
            throw ResultsFormatException.at(
                    row.file(), row.line(), column, "'" + row.text(column) + "' is outside [0, 1]");
        }
        return value;
    }

    static Map<String, HistogramSeries> readHistograms(Path runDir, Collection<String> wanted)
            throws IOException {
        Set<String> cells = new HashSet<>(wanted);
        List<String> prefixes = cells.stream().sorted().map(id -> id + ",").toList();
        CsvTable table = perCellHistograms(runDir, cells);
        Map<String, HistogramBuilder> byCell = new HashMap<>();
        table.forEach(
                line -> {
                    for (String prefix : prefixes) {
                        if (line.startsWith(prefix)) {
                            return true;
                        }
                    }
                    return false;
                },
                row -> {
                    String cell = row.requireText("cell_id");
                    if (!cells.contains(cell)) {
                        return;
                    }
                    long count = row.longValue("count");
                    if (count < 0) {
                        throw ResultsFormatException.at(
                                row.file(), row.line(), "count", "'" + count + "' is negative");
                    }
                    int bin = row.integer("bin");
                    if (bin < 0 || bin > 100_000) {
                        throw ResultsFormatException.at(
                                row.file(), row.line(), "bin", "'" + bin + "' is not a bin index");
                    }
                    byCell.computeIfAbsent(cell, k -> new HistogramBuilder())
                            .add(
                                    row.requireText("layer"),
                                    row.integer("step"),
                                    bin,
                                    row.requireDouble("lower"),
                                    row.requireDouble("upper"),
                                    count);
                });
        Map<String, HistogramSeries> out = new HashMap<>();
        byCell.forEach((cell, b) -> out.put(cell, b.build()));
        return out;
    }

    /**
     * The wanted cells' own cells/<id>/histograms.csv when every one of them has it (a few MB
     * instead of the whole aggregate), else the aggregate (or its per-cell fallback).
     */
    private static CsvTable perCellHistograms(Path runDir, Set<String> cells) throws IOException {
        List<Path> own = new ArrayList<>();
        for (String id : cells.stream().sorted().toList()) {
            Path file = runDir.resolve("cells").resolve(id).resolve("histograms.csv");
            if (!RUN_ID.matcher(id).matches() || !Files.isRegularFile(file)) {
                return CsvTable.locate(runDir, "histograms.csv");
            }
            own.add(file);
        }
        return own.isEmpty()
                ? CsvTable.locate(runDir, "histograms.csv")
                : CsvTable.of("histograms.csv", own);
    }

    static List<JmhResult> readJmh(Path jmhDir) throws IOException {
        if (!Files.isDirectory(jmhDir)) {
            return List.of();
        }
        List<Path> files;
        try (var list = Files.list(jmhDir)) {
            files =
                    list.filter(p -> p.getFileName().toString().endsWith(".json"))
                            .sorted()
                            .toList();
        }
        ObjectMapper mapper = new ObjectMapper();
        List<JmhResult> results = new ArrayList<>();
        for (Path file : files) {
            JsonNode root;
            try {
                root = mapper.readTree(file.toFile());
            } catch (JacksonException e) {
                throw new ResultsFormatException(
                        file
                                + ": malformed JSON at line "
                                + e.getLocation().getLineNr()
                                + ", column "
                                + e.getLocation().getColumnNr()
                                + ": "
                                + e.getOriginalMessage(),
                        e);
            }
            if (root == null || !root.isArray()) {
                throw new ResultsFormatException(
                        file + ": expected a JSON array (JMH -rf json output)");
            }
            for (int i = 0; i < root.size(); i++) {
                JsonNode entry = root.get(i);
                JsonNode metric = entry.path("primaryMetric");
                if (!entry.path("benchmark").isTextual() || !metric.path("score").isNumber()) {
                    throw new ResultsFormatException(
                            file
                                    + ": entry "
                                    + i
                                    + " lacks 'benchmark' or a numeric 'primaryMetric.score'");
                }
                Map<String, String> params = new TreeMap<>();
                entry.path("params")
                        .fields()
                        .forEachRemaining(f -> params.put(f.getKey(), f.getValue().asText()));
                JsonNode error = metric.path("scoreError");
                double scoreError = error.isNumber() ? error.doubleValue() : Double.NaN;
                results.add(
                        new JmhResult(
                                file.getFileName().toString(),
                                entry.get("benchmark").asText(),
                                params,
                                metric.get("score").doubleValue(),
                                scoreError,
                                metric.path("scoreUnit").asText("")));
            }
        }
        return results;
    }

    /** Growable step + value columns, sorted by step once at the end. */
    private static final class Growing {
        private int[] steps = new int[64];
        private final double[][] values;
        private int size;

        Growing(int columns) {
            values = new double[columns][64];
        }

        void add(int step, double... vs) {
            if (size == steps.length) {
                steps = Arrays.copyOf(steps, size * 2);
                for (int c = 0; c < values.length; c++) {
                    values[c] = Arrays.copyOf(values[c], size * 2);
                }
            }
            steps[size] = step;
            for (int c = 0; c < values.length; c++) {
                values[c][size] = vs[c];
            }
            size++;
        }

        void sortBySteps() {
            boolean sorted = true;
            for (int i = 1; i < size && sorted; i++) {
                sorted = steps[i - 1] <= steps[i];
            }
            if (sorted) {
                return;
            }
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(steps[a], steps[b]));
            int[] s = new int[size];
            double[][] v = new double[values.length][size];
            for (int i = 0; i < size; i++) {
                s[i] = steps[order[i]];
                for (int c = 0; c < values.length; c++) {
                    v[c][i] = values[c][order[i]];
                }
            }
            steps = s;
            System.arraycopy(v, 0, values, 0, values.length);
        }

        int[] steps() {
            return Arrays.copyOf(steps, size);
        }

        double[] values(int column) {
            return Arrays.copyOf(values[column], size);
        }
    }

    /** Collects histogram rows of one cell into a dense cube. */
    private static final class HistogramBuilder {
        private final Map<String, TreeMap<Integer, long[]>> layers = new LinkedHashMap<>();
        private final TreeMap<Integer, Double> lowers = new TreeMap<>();
        private double upper = Double.NEGATIVE_INFINITY;
        private int bins;

        void add(String layer, int step, int bin, double lower, double upperEdge, long count) {
            long[] row =
                    layers.computeIfAbsent(layer, k -> new TreeMap<>())
                            .computeIfAbsent(step, k -> new long[Math.max(bins, bin + 1)]);
            if (bin >= row.length) {
                row = Arrays.copyOf(row, bin + 1);
                layers.get(layer).put(step, row);
            }
            row[bin] += count;
            bins = Math.max(bins, bin + 1);
            lowers.putIfAbsent(bin, lower);
            upper = Math.max(upper, upperEdge);
        }

        HistogramSeries build() {
            TreeMap<Integer, Boolean> allSteps = new TreeMap<>();
            layers.values().forEach(m -> m.keySet().forEach(s -> allSteps.put(s, true)));
            int[] steps = allSteps.keySet().stream().mapToInt(Integer::intValue).toArray();
            Map<Integer, Integer> stepIndex = new HashMap<>();
            for (int i = 0; i < steps.length; i++) {
                stepIndex.put(steps[i], i);
            }
            long[][][] cube = new long[layers.size()][steps.length][bins];
            int l = 0;
            for (TreeMap<Integer, long[]> perStep : layers.values()) {
                for (Map.Entry<Integer, long[]> e : perStep.entrySet()) {
                    long[] src = e.getValue();
                    System.arraycopy(src, 0, cube[l][stepIndex.get(e.getKey())], 0, src.length);
                }
                l++;
            }
            double[] lowerEdges = new double[bins];
            for (int b = 0; b < bins; b++) {
                lowerEdges[b] = lowers.getOrDefault(b, Double.NaN);
            }
            return new HistogramSeries(
                    List.copyOf(layers.keySet()), steps, lowerEdges, upper, cube);
        }
    }
}
