package org.normbench.analysis.findings;

import java.util.Locale;

/**
 * What a run's data says about one pre-declared expectation. {@link #NOT_EVALUABLE} is not a
 * statement about the science: the run lacks the data (e.g. written before a measure existed).
 */
public enum Verdict {
    REPRODUCED,
    CONTRADICTED,
    INCONCLUSIVE,
    NOT_EVALUABLE;

    /**
     * The name in findings.csv and in the report: {@code reproduced}, {@code not_evaluable}, ...
     */
    public String csvName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
