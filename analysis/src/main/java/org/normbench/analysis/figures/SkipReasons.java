package org.normbench.analysis.figures;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Run;

/**
 * Why a figure has nothing to draw, said in the run's own terms: the file that is absent, the file
 * that has rows but not for the cells shown, the statuses the cells finished with, or the section
 * the grid did not have. A reader can act on each one; "absent or empty" guesses are not used.
 */
final class SkipReasons {
    private SkipReasons() {}

    /** F1: no train cell to plot a test error for. */
    static String noTestAccuracy(Run run, List<Cell> trainCells) {
        if (trainCells.isEmpty()) {
            return noTrainCells(run);
        }
        List<Cell> ok = trainCells.stream().filter(Cell::isOk).toList();
        if (ok.isEmpty()) {
            return "none of the "
                    + trainCells.size()
                    + " train cells finished ok ("
                    + statuses(trainCells)
                    + ")";
        }
        return "the "
                + ok.size()
                + " train cells that finished ok have no test_accuracy value in cells.csv";
    }

    /** F6: no throughput cell with an images-per-second value. */
    static String noThroughput(Run run) {
        List<Cell> timed = run.cells().stream().filter(c -> "throughput".equals(c.kind())).toList();
        if (timed.isEmpty()) {
            return "the run has no throughput cells (its grid has no throughput: section)";
        }
        List<Cell> ok = timed.stream().filter(Cell::isOk).toList();
        if (ok.isEmpty()) {
            return "none of the "
                    + timed.size()
                    + " throughput cells finished ok ("
                    + statuses(timed)
                    + ")";
        }
        return "the "
                + ok.size()
                + " throughput cells that finished ok have no images_per_second value in cells.csv";
    }

    /**
     * A per-cell series file ({@code curves.csv}, {@code activations.csv}) has nothing for the
     * train cells a figure shows: no train cells, the file is absent, it has no data rows, or its
     * rows are for other cell ids.
     */
    static String noSeries(Run run, String file, Map<String, ?> series, List<Cell> trainCells) {
        if (trainCells.isEmpty()) {
            return noTrainCells(run);
        }
        if (!run.hasTable(file)) {
            return file + " is absent (nor is there a cells/<cell-id>/" + file + ")";
        }
        if (series.isEmpty()) {
            return file + " has no data rows";
        }
        return file
                + " has rows for "
                + series.size()
                + " cells, none of them among the "
                + trainCells.size()
                + " train cells of cells.csv (e.g. '"
                + new TreeMap<>(series).firstKey()
                + "' there, '"
                + trainCells.get(0).cellId()
                + "' in cells.csv)";
    }

    /** F4: the histograms of the cells shown are missing. */
    static String noHistograms(Run run, Collection<Cell> shown) {
        if (!run.hasTable("histograms.csv")) {
            return "histograms.csv is absent (nor is there a cells/<cell-id>/histograms.csv)";
        }
        return "histograms.csv has no rows for the "
                + shown.size()
                + " cells shown ("
                + shown.stream().map(Cell::cellId).collect(Collectors.joining(", "))
                + ")";
    }

    private static String noTrainCells(Run run) {
        return run.cells().isEmpty()
                ? "cells.csv has no cells"
                : "the run has no train cells (its grid has no train: section; cells.csv has "
                        + run.cells().size()
                        + " throughput cells)";
    }

    /** e.g. {@code 3 diverged, 1 error}. */
    private static String statuses(List<Cell> cells) {
        return new TreeMap<>(
                        cells.stream()
                                .collect(
                                        Collectors.groupingBy(Cell::status, Collectors.counting())))
                .entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "));
    }
}
