package org.normbench.grid;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A grid file that must not run: carries every problem found (not just the first), sorted by
 * position; the message is one problem per line, ready to print.
 */
public final class GridException extends Exception {

    private final transient List<GridProblem> problems;

    public GridException(List<GridProblem> problems) {
        super(problems.stream().map(GridProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a GridException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<GridProblem> problems() {
        return problems;
    }
}
