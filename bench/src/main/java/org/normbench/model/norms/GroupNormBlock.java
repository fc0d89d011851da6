package org.normbench.model.norms;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;

/**
 * GroupNorm (Wu and He 2018): statistics per sample over each group of {@code C/G} channels and all
 * positions, then a per-channel affine. {@code G = 1} is this project's LayerNorm ({@code ln}: over
 * C, H, W per sample), {@code G = C} is instance norm. Same in training and eval; no running state.
 *
 * <p>Why the native layer_norm: normalising (N, G, C/G*H*W) over its last axis is exactly
 * GroupNorm's statistics (for G = 1, x itself over (C, H, W): the same kernel on the same memory,
 * without the reshape in and out and their two backward reshapes, 4 native ops per layer and step),
 * and torch's fused layer_norm kernel (with its fused backward) costs about the same as batch_norm,
 * where reshape + mean + variance + arithmetic built from NDArray ops doubled the time of a whole
 * ResNet18 training step (docs/norms.md). Its own affine is over the last axis, not per channel, so
 * it gets ones/zeros and the per-channel affine follows as one fused kernel ({@link
 * #channelAffine}), for G = 1 too: expanding the per-channel scale and shift over H*W into the
 * layer_norm kernel saved one pass but cost 10 more native ops per layer and step (reshapes,
 * expands, their backward sums; docs/performance.md, make bench-ops), and measured no faster on
 * CPU.
 */
public final class GroupNormBlock extends PerChannelNormBlock {
    private final int groups;

    public GroupNormBlock(String normName, int channels, int groups, double eps) {
        super(normName, channels, eps);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(
                    "norm "
                            + normName
                            + ": option groups="
                            + groups
                            + " does not divide "
                            + channels
                            + " channels");
        }
        this.groups = groups;
    }

    public int groups() {
        return groups;
    }

    @Override
    protected NDArray normalize(
            ParameterStore ps, NDArray x, NDArray g, NDArray b, boolean training) {
        Shape shape = x.getShape();
        NDArray y;
        if (groups == 1) {
            // One group is everything but the batch axis: layer_norm takes x as it is.
            Shape perSample = shape.slice(1);
            y =
                    LayerNorm.layerNorm(
                                    x,
                                    perSample,
                                    constant(0, 1, perSample, x, ps),
                                    constant(1, 0, perSample, x, ps),
                                    (float) eps)
                            .singletonOrThrow();
        } else {
            long n = shape.get(0);
            long perGroup = shape.size() / n / groups;
            y =
                    LayerNorm.layerNorm(
                                    x.reshape(n, groups, perGroup),
                                    new Shape(perGroup),
                                    constant(0, 1, perGroup, x, ps),
                                    constant(1, 0, perGroup, x, ps),
                                    (float) eps)
                            .singletonOrThrow()
                            .reshape(shape);
        }
        return channelAffine(
                y, g, b, constant(2, 0, channels, x, ps), constant(3, 1, channels, x, ps));
    }

    @Override
    public String toString() {
        return "GroupNormBlock(" + channels + ", groups=" + groups + ")";
    }
}
