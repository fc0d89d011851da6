package org.normbench.grid;

import java.util.Locale;

/**
 * What a cell measures: {@code TRAIN} trains to a budget and evaluates (the accuracy study), {@code
 * THROUGHPUT} times warm-up plus measured training steps only. Not a status or an outcome.
 */
public enum CellKind {
    TRAIN,
    THROUGHPUT;

    /**
     * The name used in grid files, cell ids and {@code cells.csv}: {@code train}, {@code
     * throughput}.
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
