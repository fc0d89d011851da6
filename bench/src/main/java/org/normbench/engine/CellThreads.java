package org.normbench.engine;

import ai.djl.Device;

/**
 * What a thread does on a device before it runs a cell (or a probe of one) there, so that cells run
 * side by side with {@code --jobs N} do not wait for one another on a GPU: a CUDA stream of its own
 * ({@link CudaStreams}) and its own backward passes ({@link BackwardThread}). Nothing on CPU.
 */
public final class CellThreads {
    private CellThreads() {}

    /** Before the thread allocates anything on {@code device}; cheap to call again. */
    public static void prepare(Device device) {
        CudaStreams.ownStreamForThisThread(device);
        BackwardThread.runOnThisThread(device);
    }
}
