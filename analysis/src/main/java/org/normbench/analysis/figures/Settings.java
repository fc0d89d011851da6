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
 * than one setting (model, dataset, width, device); averaging across settings would mix different
 * experiments, so the figures show the setting with the most train cells and say which others exist
 * (the findings and the summary table cover every setting, each on its own).
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
        List<String> all = all(run);
        return all.isEmpty() ? "" : all.get(0);
    }

    /**
     * Every setting of the run's train cells, the primary first, then by number of cells (ties
     * alphabetically).
     */
    public static List<String> all(Run run) {
        Map<String, Long> counts =
                new TreeMap<>(
                        run.cells().stream()
                                .filter(Cell::isTrain)
                                .collect(
                                        Collectors.groupingBy(
                                                Cell::setting, Collectors.counting())));
        return counts.entrySet().stream()
                .sorted(
                        Comparator.comparingLong((Map.Entry<String, Long> e) -> -e.getValue())
                                .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The models (cells.csv {@code model}) of the run's train cells, in {@link #all} order. */
    public static List<String> models(Run run) {
        List<String> settings = all(run);
        return run.cells().stream()
                .filter(Cell::isTrain)
                .sorted(Comparator.comparingInt(c -> settings.indexOf(c.setting())))
                .map(Cell::model)
                .distinct()
                .toList();
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

    /** A model's name for people: {@code resnet18} is ResNet18, {@code lesson_cnn} lesson CNN. */
    public static String modelLabel(String model) {
        return switch (model) {
            case "resnet18" -> "ResNet18";
            case "lesson_cnn" -> "lesson CNN";
            default -> model;
        };
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
                        "Shows "
                                + modelLabel(
                                        run.cells().stream()
                                                .filter(
                                                        c ->
                                                                c.isTrain()
                                                                        && c.setting()
                                                                                .equals(primary))
                                                .findFirst()
                                                .orElseThrow()
                                                .model())
                                + " train cells only ("
                                + primary
                                + "); the run also trained "
                                + String.join("; ", others)
                                + " (see the findings and the summary table).");
    }
}
