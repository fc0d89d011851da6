package org.normbench.model.activations;

import ai.djl.nn.Block;
import java.util.Set;
import org.normbench.model.ResNet18;
import org.normbench.model.norms.Norm;

/**
 * An element-wise activation usable in every activation position of {@link ResNet18}; discovered
 * with {@link java.util.ServiceLoader} like {@link Norm} ({@code
 * META-INF/services/org.normbench.model.activations.Activation}). The block must preserve shape and
 * data type and have no trainable parameters (so every variant has the same parameter count). Not
 * for norms.
 */
public interface Activation {

    /** Registry key, e.g. {@code leaky_relu}. */
    String name();

    String description();

    /**
     * Other names users type for this activation (PyTorch class names), compared ignoring case and
     * punctuation, offered as "did you mean ...?" for an unknown name. None by default.
     */
    default Set<String> aliases() {
        return Set.of();
    }

    /** Option keys this activation accepts (e.g. {@code negative_slope}). */
    default Set<String> optionNames() {
        return Set.of();
    }

    Block create(ActivationOptions options);
}
