package org.normbench.train;

import java.util.SplittableRandom;

/**
 * A labelled image set the loop draws batches from: it writes normalised NCHW float images and
 * labels for given indices into caller-owned arrays (host memory, no DJL), so batches can be
 * prepared on a background thread. An adapter of the datasets module feeds real data; tests use
 * synthetic sources. Not a loader: the whole set is expected in memory.
 */
public interface BatchSource {
    int size();

    int channels();

    int height();

    int width();

    /**
     * Writes images {@code indices} into {@code out} (length {@code indices.length * C*H*W}) and
     * their labels into {@code labelsOut}; augments when {@code rngOrNull} is not null. Must be
     * safe to call from a thread other than the training thread (one caller at a time).
     */
    void assemble(int[] indices, float[] out, int[] labelsOut, SplittableRandom rngOrNull);

    default int imageSize() {
        return channels() * height() * width();
    }
}
