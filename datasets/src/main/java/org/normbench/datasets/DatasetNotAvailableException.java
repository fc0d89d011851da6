package org.normbench.datasets;

/**
 * The requested dataset is not in the cache, or the cached copy does not verify. The message says
 * what is missing and which command fetches it. Not for corrupt file formats ({@link
 * DatasetFormatException}).
 */
public final class DatasetNotAvailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatasetNotAvailableException(String message) {
        super(message);
    }

    public DatasetNotAvailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
