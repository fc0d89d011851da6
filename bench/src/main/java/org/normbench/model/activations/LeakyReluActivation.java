package org.normbench.model.activations;

import ai.djl.nn.Block;
import java.util.Locale;
import java.util.Set;

/**
 * {@code leaky_relu}: x for x &gt;= 0, negative_slope * x otherwise (default slope 0.01,
 * PyTorch's).
 */
public final class LeakyReluActivation implements Activation {
    @Override
    public String name() {
        return "leaky_relu";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("leakyrelu", "lrelu", "leaky");
    }

    @Override
    public String description() {
        return "LeakyReLU: x if x >= 0 else negative_slope * x (default 0.01)";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(ActivationOptions.NEGATIVE_SLOPE);
    }

    @Override
    public Block create(ActivationOptions options) {
        float slope = (float) options.negativeSlope();
        return new ElementwiseBlock(
                String.format(Locale.ROOT, "LeakyReLU(%s)", options.negativeSlope()),
                x -> ai.djl.nn.Activation.leakyRelu(x, slope));
    }
}
