package org.normbench.analysis.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The columns of each results CSV, in one place (docs/results-format.md, schema 1): the ones every
 * file of that name must have, and the ones added since without a schema bump, which older runs
 * lack. A new column goes into {@code optional} here; once every supported run has it, it may move
 * to {@code required}. Columns in neither list are ignored by the reader (the format allows it) and
 * named by {@link #unknownColumns} so a typo or a newer writer is visible. bench writes the same
 * columns from its own schema (analysis must not depend on bench); bench's {@code
 * ResultsRoundTripTest} reads a real run with this loader and fails unless the two lists agree. Not
 * a parser.
 */
public enum ResultsColumns {
    CELLS(
            "cells.csv",
            List.of(
                    "cell_id",
                    "kind",
                    "norm",
                    "norm_options",
                    "activation",
                    "activation_options",
                    "batch_size",
                    "device",
                    "seed",
                    "width",
                    "dataset",
                    "implementation",
                    "status",
                    "error",
                    "params",
                    "epochs",
                    "steps",
                    "final_train_loss",
                    "test_loss",
                    "test_accuracy",
                    "train_seconds",
                    "images_per_second",
                    "step_ms_median",
                    "step_ms_p90",
                    "peak_memory_bytes",
                    "lr",
                    "started_at",
                    "finished_at"),
            List.of("lr_protocol", "cpu_share", "contended", "model")),
    CURVES(
            "curves.csv",
            List.of("cell_id", "step", "epoch", "train_loss", "lr", "val_loss", "val_accuracy"),
            List.of()),
    ACTIVATIONS(
            "activations.csv",
            List.of(
                    "cell_id",
                    "step",
                    "layer",
                    "layer_index",
                    "mean",
                    "std",
                    "min",
                    "max",
                    "frac_nonpositive",
                    "dead_channel_frac"),
            List.of("zero_frac", "near_zero_frac", "dead_channel_frac_window")),
    HISTOGRAMS(
            "histograms.csv",
            List.of("cell_id", "step", "layer", "bin", "lower", "upper", "count"),
            List.of());

    private final String fileName;
    private final List<String> required;
    private final List<String> optional;

    ResultsColumns(String fileName, List<String> required, List<String> optional) {
        this.fileName = fileName;
        this.required = required;
        this.optional = optional;
    }

    public String fileName() {
        return fileName;
    }

    public List<String> required() {
        return required;
    }

    public List<String> optional() {
        return optional;
    }

    /**
     * The schema of a results CSV by its file name; empty for a file this list does not describe.
     */
    public static Optional<ResultsColumns> of(String fileName) {
        for (ResultsColumns c : values()) {
            if (c.fileName.equals(fileName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks a header against this schema: no column twice, every required column present.
     *
     * @throws ResultsFormatException naming the file, line 1 and the columns
     */
    void checkHeader(Path file, List<String> header) {
        Set<String> seen = new LinkedHashSet<>();
        for (String column : header) {
            if (!seen.add(column)) {
                throw new ResultsFormatException(
                        file + ":1: column '" + column + "' appears twice in the header");
            }
        }
        List<String> missing = required.stream().filter(c -> !seen.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new ResultsFormatException(
                    file
                            + ":1: missing column"
                            + (missing.size() == 1 ? " '" : "s '")
                            + String.join("', '", missing)
                            + "' ("
                            + fileName
                            + " needs "
                            + required.size()
                            + " required columns, docs/results-format.md schema 1; this header has "
                            + required.stream().filter(seen::contains).count()
                            + " of them)");
        }
    }

    /**
     * The columns of a run's results CSVs that no schema lists, one sentence per (file, column),
     * e.g. {@code cells.csv: column 'contended' is not in docs/results-format.md; ignored}. Reads
     * header lines only.
     */
    public static List<String> unknownColumns(Path runDir) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (ResultsColumns schema : values()) {
            for (Path file : CsvTable.locate(runDir, schema.fileName).files()) {
                String header;
                try (BufferedReader in =
                        new BufferedReader(
                                new InputStreamReader(
                                        CsvTable.open(file), StandardCharsets.UTF_8))) {
                    header = in.readLine();
                }
                if (header == null || header.indexOf('\0') >= 0 || header.indexOf('\uFFFD') >= 0) {
                    continue; // the loader reports an empty or binary file as an error
                }
                List<String> columns =
                        new ArrayList<>(List.of(header.replace("\uFEFF", "").split(",", -1)));
                columns.removeAll(schema.required);
                columns.removeAll(schema.optional);
                for (String column : columns) {
                    out.add(
                            schema.fileName
                                    + ": column '"
                                    + column
                                    + "' is not in docs/results-format.md; ignored");
                }
            }
        }
        return List.copyOf(out);
    }
}
