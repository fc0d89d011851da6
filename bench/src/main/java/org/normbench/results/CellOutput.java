package org.normbench.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one finished cell stores: its {@code cells.csv} row ({@link CellOutcome}), its spec
 * for {@code cell.json}, and its rows for the three long tables. Rows are value lists in the column
 * order of {@link ResultsSchema}, {@code cell_id} first. Null means an empty field.
 */
public record CellOutput(
        String cellId,
        CellOutcome outcome,
        Map<String, Object> spec,
        List<List<Object>> curves,
        List<List<Object>> activations,
        List<List<Object>> histograms) {

    public CellOutput {
        Objects.requireNonNull(cellId, "cellId");
        if (!RunDirectory.isSafeName(cellId)) {
            throw new IllegalArgumentException(
                    "cell id '" + cellId + "' must use letters, digits, '.', '_', '-' only");
        }
        Objects.requireNonNull(outcome, "outcome");
        spec = Collections.unmodifiableMap(new LinkedHashMap<>(spec));
        curves = List.copyOf(curves);
        activations = List.copyOf(activations);
        histograms = List.copyOf(histograms);
    }

    public CellStatus status() {
        return outcome.status() == null ? CellStatus.ERROR : outcome.status();
    }
}
