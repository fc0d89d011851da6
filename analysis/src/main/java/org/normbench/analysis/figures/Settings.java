package org.normbench.analysis.figures;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Run;

/**
 * Chooses which train cells the study figures compare. A grid may train the same variants in more
 * than one setting (dataset, width, device); averaging across settings would mix different
 * experiments, so the figures show the setting with the most train cells and say which others
 * exist.
 */
public final class Settings {
    private Settings() {}

    /** Train cells of the primary setting (most cells; ties broken alphabetically). */
    public static List<Cell> primaryTrainCells(Run run) {
        String primary = primary(run);
        return run.cells().stream()
                .filter(c -> c.isTrain() && c.setting().equals(primary))
                .toList();
    }

    public static String primary(Run run) {
        Map<String, Long> counts =
                new TreeMap<>(
                        run.cells().stream()
                                .filter(Cell::isTrain)
                                .collect(
                                        Collectors.groupingBy(
                                                Cell::setting, Collectors.counting())));
        return counts.entrySet().stream()
                .max(
                        Comparator.comparingLong((Map.Entry<String, Long> e) -> e.getValue())
                                .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey)
                .orElse("");
    }

    /**
     * The learning-rate protocols of these cells in report order (linear_scaling, fixed, others):
     * cells of different protocols are different experiments and are never averaged together.
     */
    public static List<String> protocols(List<Cell> cells) {
        List<String> order = Cell.LR_PROTOCOLS;
        return cells.stream()
                .map(Cell::lrProtocol)
                .distinct()
                .sorted(
                        Comparator.comparingInt(
                                        (String p) ->
                                                order.indexOf(p) < 0
                                                        ? order.size()
                                                        : order.indexOf(p))
                                .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    /** "lr linear scaling" / "lr fixed": how a panel title names its protocol. */
    public static String protocolLabel(String protocol) {
        return "lr " + protocol.replace('_', ' ');
    }

    /** A note naming the settings a figure leaves out; empty when the run has only one. */
    public static List<String> notes(Run run) {
        String primary = primary(run);
        List<String> others =
                run.cells().stream()
                        .filter(Cell::isTrain)
                        .map(Cell::setting)
                        .distinct()
                        .sorted()
                        .filter(s -> !s.equals(primary))
                        .toList();
        return others.isEmpty()
                ? List.of()
                : List.of(
                        "Shows train cells of "
                                + primary
                                + " only; the run also trained "
                                + String.join("; ", others)
                                + " (see the summary table).");
    }
}
