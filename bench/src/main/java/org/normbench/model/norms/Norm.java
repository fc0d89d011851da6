package org.normbench.model.norms;

import ai.djl.nn.Block;
import java.util.Set;
import org.normbench.model.ResNet18;

/**
 * A normalization layer that can be used in every norm position of {@link ResNet18}: the one
 * interface a researcher implements to add a norm. Implementations are discovered with {@link
 * java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/org.normbench.model.norms.Norm} of your jar) and then pass the same conformance
 * suite as the built-in ones (docs/norms.md).
 *
 * <p>Contract of the block returned by {@link #create}: input and output are one NDArray of shape
 * (N, C, H, W) with the same shape and data type (float32 and float64 at least); it has a
 * per-channel scale parameter of type {@code GAMMA} (initialised to 1) and shift of type {@code
 * BETA} (initialised to 0), so every norm variant has the same parameter count; other state is
 * non-trainable; the backward pass comes from DJL autograd. Not for activations or convolutions.
 */
public interface Norm {

    /** Registry key, lower case, e.g. {@code gn}. */
    String name();

    /** One line for listings and the summary table. */
    String description();

    /**
     * Other names users type for this norm (PyTorch class names, timm's {@code create_norm} keys),
     * compared ignoring case and punctuation: a grid that says {@code GroupNorm2d} gets "did you
     * mean 'gn'?". Suggestions only, never accepted as the norm's name. None by default.
     */
    default Set<String> aliases() {
        return Set.of();
    }

    /** Option keys this norm accepts in {@link NormOptions} (e.g. {@code groups}, {@code eps}). */
    default Set<String> optionNames() {
        return Set.of(NormOptions.EPS);
    }

    /**
     * Builds the block for a layer with {@code channels} channels.
     *
     * @throws IllegalArgumentException when the options do not fit this layer (e.g. groups that do
     *     not divide the channel count), with a message naming the norm, option, value and allowed
     *     values
     */
    Block create(int channels, NormOptions options);

    /**
     * Whether the block accepts a batch of one sample in this mode. Where it does not, its forward
     * must throw {@link IllegalArgumentException} saying so (the conformance suite checks both
     * ways).
     */
    boolean supportsBatchOfOne(boolean training);

    /**
     * Whether, in eval mode, sample i's output depends only on sample i (true for gn, ln, rbn, bn).
     */
    default boolean batchIndependentInEval() {
        return true;
    }

    /**
     * Whether, in training mode, sample i's output depends only on sample i (gn, ln: yes; bn, rbn:
     * no).
     */
    boolean batchIndependentInTraining();
}
