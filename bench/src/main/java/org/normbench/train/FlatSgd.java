package org.normbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

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
 *
 * <p>The momentum buffer is this class's own array, in the learner's manager, not DJL's {@code Sgd}
 * optimizer's state: DJL detaches its optimizer state from every manager and never closes it, so
 * each learner left one parameter-sized buffer behind for good (per cell: 2.8 MB at width 0.25, 45
 * MB at width 1, on the GPU too). The update is the same call {@code Sgd.update} makes ({@code
 * NDArrayEx.sgdUpdate} with DJL's defaults: no gradient rescale, no clipping), so the numbers are
 * the same bit for bit.
 */
final class FlatSgd {
    /** DJL's optimizer defaults, which {@code Sgd.update} passes: gradients as they are. */
    private static final float RESCALE_GRAD = 1f;

    private static final float NO_CLIPPING = -1f;

    private final List<Parameter> parameters;
    private final Map<Parameter, Integer> positions = new IdentityHashMap<>();
    private final long[] splitPoints;
    private final float momentum;
    private final float weightDecay;
    private final DoubleSupplier learningRate;
    private final NDArray flat;

    /** The momentum buffer (flat's shape), null without momentum; closed with flat's manager. */
    private final NDArray velocity;

    /**
     * Moves the values of {@code parameters} (all initialised, one device and type) into one buffer
     * in {@code manager} and makes each parameter's array a view of it, in the manager of its old
     * array.
     */
    FlatSgd(
            List<Parameter> parameters,
            float momentum,
            float weightDecay,
            DoubleSupplier learningRate,
            NDManager manager) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(
                    "the model has no trainable parameters: nothing to train");
        }
        this.parameters = List.copyOf(parameters);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.learningRate = learningRate;
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
        // As DJL's Sgd makes it at the first update (zeros like the weights), but owned here.
        velocity = momentum == 0f ? null : flat.zerosLike();
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

    /** The momentum buffer, null without momentum (for tests in this package). */
    NDArray velocity() {
        return velocity;
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
        NDList inputs =
                velocity == null
                        ? new NDList(flat, flatGradient)
                        : new NDList(flat, flatGradient, velocity);
        flat.getNDArrayInternal()
                .sgdUpdate(
                        inputs,
                        new NDList(flat),
                        (float) learningRate.getAsDouble(),
                        weightDecay,
                        RESCALE_GRAD,
                        NO_CLIPPING,
                        momentum,
                        true);
    }
}
