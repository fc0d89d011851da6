package org.normbench.train;

/** Thrown by a callback to skip the rest of the current batch (no update); the loop goes on. */
public final class CancelBatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelBatchException(String reason) {
        super(reason, null, false, false);
    }
}
