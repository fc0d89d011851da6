package org.normbench.results;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one finished cell stores: its {@code cells.csv} row (values keyed by column name), its
 * spec for {@code cell.json}, and its rows for the three long tables. Rows are value lists in the
 * column order of {@link ResultsSchema}, {@code cell_id} first. Null means an empty field.
 */
public record CellOutput(
        String cellId,
        Map<String, Object> row,
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
        for (String key : row.keySet()) {
            if (!ResultsSchema.CELL_COLUMNS.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown cells.csv column '"
                                + key
                                + "'; known: "
                                + ResultsSchema.CELL_COLUMNS);
            }
        }
        row = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(row));
        spec = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(spec));
        curves = List.copyOf(curves);
        activations = List.copyOf(activations);
        histograms = List.copyOf(histograms);
    }

    public CellStatus status() {
        Object s = row.get("status");
        return s == null ? CellStatus.ERROR : CellStatus.parse(s.toString());
    }
}
