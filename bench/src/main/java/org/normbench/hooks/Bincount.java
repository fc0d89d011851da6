package org.normbench.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Exact O(n) counts of int64 indices on their own device, like PyTorch's {@code bincount}, which
 * DJL does not expose. The gradient of a gather is a scatter-add: with a zero vector {@code w} (one
 * entry per slot, requiring a gradient), {@code d/dw sum(w[idx])} is 1 added once per occurrence,
 * i.e. the count of every index. Each addition adds exactly 1, so the counts are exact in any order
 * (CUDA atomics included) while they stay below 2^24 in float32, hence float64 for larger inputs.
 * {@link #sums} is the weighted form (a segment sum: the backward pass seeded with the values
 * instead of ones); its float64 sums are exact for integer-valued values and otherwise depend on
 * the order of the additions only in the last bits (on CUDA, whose atomics do not fix an order).
 *
 * <p>PyTorch-specific on purpose: the backward runs through {@link JniUtils} directly, because a
 * hook runs inside the training step's {@code GradientCollector} and DJL allows only one; grad mode
 * is switched on for the call and restored after it, and the tiny graph (w and the gathered values)
 * is freed by the backward pass itself.
 */
final class Bincount {
    private Bincount() {}

    /** Counts of {@code 0 .. slots-1} in the 1-D int64 {@code idx}, float64, on idx's manager. */
    static NDArray of(NDArray idx, int slots) {
        DataType counting = idx.size() < (1 << 24) ? DataType.FLOAT32 : DataType.FLOAT64;
        NDManager owner = idx.getManager();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager tmp = owner.newSubManager()) {
            NDArray w = tmp.zeros(new Shape(slots), counting);
            w.setRequiresGradient(true);
            NDArray gathered = w.gather(idx, 0);
            // the gradient of every gathered value is 1: a broadcast view, no n-sized buffer and no
            // sum
            NDArray ones = tmp.ones(new Shape(1), counting).broadcast(gathered.getShape());
            JniUtils.backward((PtNDArray) gathered, (PtNDArray) ones, false, false);
            NDArray counts = w.getGradient().toType(DataType.FLOAT64, true);
            counts.attach(owner);
            return counts;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Per segment, the sums of {@code values} {@code (R, k)} over the rows whose {@code index}
     * {@code (R, 1)} (int64, in {@code [0, segments)}) names it: {@code (segments, k)}, in values'
     * dtype, on values' manager.
     */
    static NDArray sums(NDArray index, NDArray values, long segments) {
        NDManager owner = values.getManager();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager tmp = owner.newSubManager()) {
            Shape k = values.getShape();
            NDArray w = tmp.zeros(new Shape(segments, k.get(1)), values.getDataType());
            w.setRequiresGradient(true);
            NDArray rows = index.broadcast(k);
            rows.attach(tmp);
            NDArray gathered = w.gather(rows, 0);
            JniUtils.backward((PtNDArray) gathered, (PtNDArray) values, false, false);
            NDArray sums = w.getGradient();
            sums.attach(owner);
            return sums;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
