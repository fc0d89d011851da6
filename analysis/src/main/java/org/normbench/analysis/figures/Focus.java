package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Run;

/**
 * Picks the cells that the per-variant telemetry figures (F3, F4) show: the lesson's fixed-lr
 * protocol when the run has it (where the lesson saw units flat-line), else the run's first; the
 * smallest batch size that has activation statistics (where normalisation choices matter most); and
 * for each variant the lowest seed there. One rule for both figures, so they show the same cells.
 */
final class Focus {
    private Focus() {}

    static OptionalInt batchSize(Run run) {
        return withStats(run).stream().mapToInt(Cell::batchSize).min();
    }

    /** The protocol the telemetry figures show. */
    static String protocol(Run run) {
        List<String> protocols =
                Settings.protocols(
                        Settings.primaryTrainCells(run).stream()
                                .filter(c -> run.activations().containsKey(c.cellId()))
                                .toList());
        return protocols.contains("fixed") ? "fixed" : protocols.isEmpty() ? "" : protocols.get(0);
    }

    private static List<Cell> withStats(Run run) {
        String protocol = protocol(run);
        return Settings.primaryTrainCells(run).stream()
                .filter(
                        c ->
                                run.activations().containsKey(c.cellId())
                                        && c.lrProtocol().equals(protocol))
                .toList();
    }

    /** Variant label key "norm|activation" to the chosen cell, in display order. */
    static Map<String, Cell> cells(Run run, int batchSize) {
        List<Cell> candidates =
                new ArrayList<>(
                        withStats(run).stream().filter(c -> c.batchSize() == batchSize).toList());
        candidates.sort(Comparator.comparingInt(Cell::seed).thenComparing(Cell::cellId));
        Map<String, Cell> out = new LinkedHashMap<>();
        List<String> norms = Variants.orderNorms(candidates.stream().map(Cell::norm).toList());
        List<String> acts =
                Variants.orderActivations(candidates.stream().map(Cell::activation).toList());
        for (String norm : norms) {
            for (String act : acts) {
                candidates.stream()
                        .filter(c -> c.norm().equals(norm) && c.activation().equals(act))
                        .findFirst()
                        .ifPresent(c -> out.put(norm + "|" + act, c));
            }
        }
        return out;
    }
}
