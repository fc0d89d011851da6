package org.normbench.train;

/** Thrown by a callback to end the current epoch early; training continues with the next epoch. */
public final class CancelEpochException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelEpochException(String reason) {
        super(reason, null, false, false);
    }
}
