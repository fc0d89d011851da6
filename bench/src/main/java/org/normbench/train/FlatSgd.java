package org.normbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.optimizer.Optimizer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-tensor SGD step, the idea of PyTorch's {@code foreach}/fused optimizers with what DJL's
 * JNI offers: all trainable parameters live in one contiguous buffer (each {@link Parameter}'s
 * array becomes a view of its slice), so one call of DJL's fused SGD kernel (weight decay,
 * momentum, update: 6 native ops) updates the whole model, against 6 per parameter (372 per step
 * for ResNet18's 62 parameter tensors). The gradient arrives already flat: {@link
 * LeafParameterStore} makes one autograd leaf of the whole buffer per step and hands out views of
 * it, so the backward pass gathers all gradients into one array by itself. Every element goes
 * through the same float operations in the same order as the per-parameter update, so results are
 * bit-identical (LeafParameterStoreTest holds the learner to DJL's per-parameter loop bit for bit).
 * The parameter views and the buffer share storage: nothing is copied back, and evaluation, saving
 * and hooks see the updated values. Not thread-safe; one per learner.
 */
final class FlatSgd {
    /** The optimizer's state key for the single flat "parameter". */
    private static final String FLAT_ID = "normbench.flat";

    private final List<Parameter> parameters;
    private final Map<Parameter, Integer> positions = new IdentityHashMap<>();
    private final long[] splitPoints;
    private final Optimizer optimizer;
    private final NDArray flat;

    /**
     * Moves the values of {@code parameters} (all initialised, one device and type) into one buffer
     * in {@code manager} and makes each parameter's array a view of it, in the manager of its old
     * array.
     */
    FlatSgd(List<Parameter> parameters, Optimizer optimizer, NDManager manager) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model has no trainable parameters: nothing to train");
        }
        this.parameters = List.copyOf(parameters);
        this.optimizer = optimizer;
        NDList values = new NDList();
        try (NDManager tmp = manager.newSubManager()) {
            for (Parameter p : this.parameters) {
                NDArray v = p.getArray().stopGradient().reshape(-1);
                v.attach(tmp);
                values.add(v);
            }
            flat = NDArrays.concat(values);
            flat.attach(manager);
        }
        splitPoints = new long[this.parameters.size() - 1];
        long offset = 0;
        for (int i = 0; i < this.parameters.size(); i++) {
            Parameter p = this.parameters.get(i);
            positions.put(p, i);
            if (i > 0) {
                splitPoints[i - 1] = offset;
            }
            NDManager owner = p.getArray().getManager();
            long size = p.getShape().size();
            NDArray view =
                    flat.get(new NDIndex("{}:{}", offset, offset + size)).reshape(p.getShape());
            view.attach(owner);
            offset += size;
            p.close();
            Initializer asView = (m, shape, type) -> view;
            p.setInitializer(asView);
            p.initialize(owner, flat.getDataType());
        }
    }

    /** All trainable parameters, in order, as one flat array (the storage the parameters view). */
    NDArray flat() {
        return flat;
    }

    /** The trainable parameters, in the buffer's order. */
    List<Parameter> parameters() {
        return parameters;
    }

    /** Where {@code p} is in {@link #parameters()}, or -1 when it is not one of them. */
    int position(Parameter p) {
        Integer i = positions.get(p);
        return i == null ? -1 : i;
    }

    /**
     * Where each parameter after the first starts in the buffer (DJL's {@code split} indices: the
     * pieces are the parameters, in order).
     */
    long[] splitPoints() {
        return splitPoints.clone();
    }

    /**
     * One SGD step on every parameter with this step's gradient of the whole buffer ({@link
     * #flat()}'s shape and layout).
     */
    void step(NDArray flatGradient) {
        optimizer.update(FLAT_ID, flat, flatGradient);
    }
}
