package org.normbench.datasets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file that exists but is not what its format promises (wrong magic number, truncated,
 * wrong dimensions, label out of range). The message names the file, the field, the bad value and
 * what was allowed. Not for missing files (those are {@link DatasetNotAvailableException}).
 */
public final class DatasetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public DatasetFormatException(Path file, String field, Object value, String allowed) {
        this(file.toString(), field, value, allowed);
    }

    /** For a source that is not a file on disk, e.g. a classpath resource. */
    public DatasetFormatException(String source, String field, Object value, String allowed) {
        super(source + ": " + field + " is " + value + ", expected " + allowed);
    }

    public DatasetFormatException(String message) {
        super(message);
    }
}
