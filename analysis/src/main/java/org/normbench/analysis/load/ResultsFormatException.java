package org.normbench.analysis.load;

import java.nio.file.Path;

/**
 * A stored run does not match docs/results-format.md. The message always names the file and, where
 * it applies, the 1-based line, the column and the offending value, so a user can open the file and
 * fix it. Not for I/O failures of a readable file (those stay {@link java.io.IOException}).
 */
public final class ResultsFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResultsFormatException(String message) {
        super(message);
    }

    public ResultsFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    static ResultsFormatException at(Path file, long line, String column, String problem) {
        return new ResultsFormatException(
                file + ":" + line + ": column '" + column + "': " + problem);
    }
}
