package org.normbench.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The {@link Learner}'s parameter store: during a training step it hands every block a fresh
 * autograd leaf of each trainable parameter (a detached view of the stored array: same memory, no
 * gradient yet), so the backward pass gives each leaf a new gradient tensor, PyTorch's {@code
 * zero_grad(set_to_none=True)}. With DJL's default store the gradient lives on the stored array and
 * must be zeroed every step, after which libtorch adds each new gradient into the zeros: two extra
 * passes over all 11 M parameters of a full-width ResNet18 (about 45 MB each) per step. The values
 * are the same (0 + g = g), only the passes go. Outside a step (evaluation), and for parameters
 * without a gradient (BatchNorm's running statistics, updated in place), it returns the stored
 * arrays as DJL's store does. Leaves and their gradients live in the step's scope and are released
 * with it. Not thread-safe: one step at a time.
 */
final class LeafParameterStore extends ParameterStore {
    private final Map<Parameter, NDArray> leaves = new IdentityHashMap<>();
    private NDManager scope;

    LeafParameterStore(NDManager manager) {
        super(manager, false);
    }

    /** Leaves handed out from now on are created in {@code stepScope}. */
    void beginStep(NDManager stepScope) {
        leaves.clear();
        scope = stepScope;
    }

    /** Forgets this step's leaves (their scope closes them). */
    void endStep() {
        leaves.clear();
        scope = null;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null || !training || scope == null || !parameter.requiresGradient()) {
            return super.getValue(parameter, device, training);
        }
        NDArray leaf = leaves.get(parameter);
        if (leaf == null) {
            leaf = super.getValue(parameter, device, true).stopGradient();
            leaf.attach(scope);
            leaf.setRequiresGradient(true);
            leaves.put(parameter, leaf);
        }
        return leaf;
    }

    /**
     * The gradient of {@code parameter} after this step's backward pass, in the step scope; zeros
     * when the forward pass did not use the parameter.
     */
    NDArray gradient(Parameter parameter) {
        NDArray leaf = leaves.get(parameter);
        NDArray g = leaf == null ? parameter.getArray().zerosLike() : leaf.getGradient();
        g.attach(scope);
        return g;
    }
}
