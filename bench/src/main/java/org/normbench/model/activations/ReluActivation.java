package org.normbench.model.activations;

import ai.djl.nn.Block;

/** {@code relu}: max(x, 0). */
public final class ReluActivation implements Activation {
    @Override
    public String name() {
        return "relu";
    }

    @Override
    public String description() {
        return "ReLU: max(x, 0)";
    }

    @Override
    public Block create(ActivationOptions options) {
        return new ElementwiseBlock("ReLU", ai.djl.nn.Activation::relu);
    }
}
