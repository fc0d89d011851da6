package org.normbench.model.norms;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.Map;

/**
 * 0-d constants for the ops of a norm's forward pass that autograd records: what a norm block,
 * built-in or plug-in, uses instead of DJL's {@code NDArray.mul(Number)}, {@code div(Number)},
 * {@code add(Number)} and {@code maximum(Number)} wherever the result needs a gradient. Why: DJL
 * wraps such a number in a tensor over a Java direct buffer (torch::from_blob) and frees the buffer
 * right after the call, while the backward node of mul, div and maximum keeps the tensor; once the
 * JVM reuses that memory, backward reads garbage and gives NaN/Inf gradients at random steps (what
 * made rbn "diverge", docs/norms.md). These arrays are libtorch's own allocations.
 *
 * <p>One instance per block. {@link #of} makes each value once in the parameter store's manager
 * (which outlives the step) and reuses it, so constants that repeat every step (eps, 1/count) cost
 * nothing after the first; a value that changes every step goes through {@link #fresh}, which lives
 * and dies with the step. Never written to. Not thread-safe (one block, one training loop). Not
 * needed outside the graph: host arithmetic and state updates without gradient may use numbers.
 */
public final class SafeScalars {
    /** Cached constants beyond which {@link #trim} closes and forgets them all. */
    static final int MAX_CACHED = 256;

    private final Map<Key, NDArray> cache = new HashMap<>();

    /**
     * A 0-d array holding {@code v} in {@code like}'s data type and device, made once in {@code
     * ps}'s manager and reused.
     */
    public NDArray of(ParameterStore ps, NDArray like, double v) {
        Key key = new Key(v, like.getDataType(), like.getDevice());
        NDArray c = cache.get(key);
        if (c == null || c.isReleased()) {
            // zeros() is libtorch's own allocation; addi(Number) outside any graph is safe.
            c = ps.getManager().zeros(new Shape(), like.getDataType(), like.getDevice()).addi(v);
            cache.put(key, c);
        }
        return c;
    }

    /**
     * A 0-d array holding {@code v}, made afresh in {@code like}'s manager (closed with the step),
     * for values that do not repeat.
     */
    public static NDArray fresh(NDArray like, double v) {
        return like.getManager().zeros(new Shape(), like.getDataType(), like.getDevice()).addi(v);
    }

    /**
     * Closes and forgets the cached constants once there are more than {@value #MAX_CACHED}: call
     * at the start of a training step, before any of them enters the graph.
     */
    public void trim() {
        if (cache.size() > MAX_CACHED) {
            cache.values().forEach(NDArray::close);
            cache.clear();
        }
    }

    private record Key(double value, DataType type, Device device) {}
}
