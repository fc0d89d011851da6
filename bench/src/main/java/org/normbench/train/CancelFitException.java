package org.normbench.train;

/**
 * Thrown by a callback to stop the whole fit; {@code afterFit} still runs and a result is returned.
 */
public final class CancelFitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelFitException(String reason) {
        super(reason, null, false, false);
    }
}
