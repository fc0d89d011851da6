package org.normbench.results;

import java.util.Locale;

/** Outcome of one cell, as written in the {@code status} column. */
public enum CellStatus {
    OK,
    DIVERGED,
    OOM,
    ERROR,
    SKIPPED;

    public String csv() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CellStatus parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
