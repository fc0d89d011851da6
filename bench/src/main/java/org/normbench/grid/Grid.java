package org.normbench.grid;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A validated grid: its name, where it came from, the YAML exactly as given (for the run's {@code
 * grid.yaml} and provenance), the document as plain values (for {@code manifest.json}, before
 * defaults) and its cells with every default applied, in stable order. Built only by {@link
 * GridParser}; not a run and not results.
 *
 * @param source the file as the user named it (used in messages)
 * @param document the YAML as nested {@code Map<String,Object>} / {@code List} / {@code Long},
 *     {@code Double}, {@code Boolean}, {@code String}, in file order
 */
public record Grid(
        String name,
        String description,
        String source,
        String yaml,
        Map<String, Object> document,
        List<CellSpec> cells) {

    public Grid {
        cells = List.copyOf(cells);
    }

    /** The distinct seeds of all cells, in first-use order (for the manifest). */
    public List<Long> seeds() {
        return cells.stream().map(CellSpec::seed).distinct().collect(Collectors.toList());
    }

    public Optional<CellSpec> cell(String cellId) {
        return cells.stream().filter(c -> c.cellId().equals(cellId)).findFirst();
    }
}
