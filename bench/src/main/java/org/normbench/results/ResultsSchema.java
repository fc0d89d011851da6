package org.normbench.results;

import java.util.List;
import org.normbench.hooks.ActivationRow;

/**
 * Column lists of the stored results, schema version 1 (docs/results-format.md). Writers and tests
 * use these lists, so a rename cannot slip in without a schema bump. cells.csv and activations.csv
 * take their lists from the records that declare them ({@link CellOutcome}, {@link ActivationRow}).
 * Not a reader: {@code analysis} parses the files on its own, with its own list ({@code
 * ResultsColumns}), which {@code ResultsRoundTripTest} holds equal to these.
 */
public final class ResultsSchema {
    public static final int VERSION = 1;

    public static final String CELLS = "cells.csv";
    public static final String CURVES = "curves.csv";
    public static final String ACTIVATIONS = "activations.csv";
    public static final String HISTOGRAMS = "histograms.csv";
    public static final String MANIFEST = "manifest.json";
    public static final String CELL_JSON = "cell.json";

    /** Declared by the cell outcome record itself ({@link CellOutcome#COLUMNS}). */
    public static final List<String> CELL_COLUMNS = CellOutcome.header();

    public static final List<String> CURVE_COLUMNS =
            List.of("cell_id", "step", "epoch", "train_loss", "lr", "val_loss", "val_accuracy");

    /** Declared by the statistics record itself ({@link ActivationRow#COLUMNS}). */
    public static final List<String> ACTIVATION_COLUMNS = ActivationRow.header();

    public static final List<String> HISTOGRAM_COLUMNS =
            List.of("cell_id", "step", "layer", "bin", "lower", "upper", "count");

    /** The per-cell CSVs, in the order they are aggregated, with their columns. */
    public static final List<String> TABLES = List.of(CELLS, CURVES, ACTIVATIONS, HISTOGRAMS);

    public static List<String> columnsOf(String table) {
        switch (table) {
            case CELLS:
                return CELL_COLUMNS;
            case CURVES:
                return CURVE_COLUMNS;
            case ACTIVATIONS:
                return ACTIVATION_COLUMNS;
            case HISTOGRAMS:
                return HISTOGRAM_COLUMNS;
            default:
                throw new IllegalArgumentException(
                        "unknown results table " + table + "; known: " + TABLES);
        }
    }

    private ResultsSchema() {}
}
