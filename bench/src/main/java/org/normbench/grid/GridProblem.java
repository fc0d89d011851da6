package org.normbench.grid;

import java.util.Comparator;

/**
 * One thing wrong with a grid file, located for the user: file, 1-based line and column, the field
 * path ({@code train.norms[2].name}; empty for file-level problems) and a sentence naming the bad
 * value and the allowed ones.
 */
public record GridProblem(String file, int line, int column, String field, String message) {

    static final Comparator<GridProblem> IN_FILE_ORDER =
            Comparator.comparingInt(GridProblem::line)
                    .thenComparingInt(GridProblem::column)
                    .thenComparing(GridProblem::field)
                    .thenComparing(GridProblem::message);

    /**
     * {@code bench/grids/x.yaml:12:5: norms[2].name: unknown norm 'gm'; allowed: bn, gn, ln, rbn}.
     */
    @Override
    public String toString() {
        return file
                + ":"
                + line
                + ":"
                + column
                + ": "
                + (field.isEmpty() ? "" : field + ": ")
                + message;
    }
}
