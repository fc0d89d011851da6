package org.normbench.model.norms;

import ai.djl.nn.Block;
import java.util.Set;

/**
 * {@code ln}: LayerNorm over (C, H, W) per sample with a per-channel affine (not DJL's LayerNorm,
 * whose affine covers C x H x W and would change the parameter count). Equals GroupNorm with one
 * group.
 */
public final class LnNorm implements Norm {
    @Override
    public String name() {
        return "ln";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("layernorm", "layernorm2d", "layer");
    }

    @Override
    public String description() {
        return "LayerNorm: per sample over all channels and positions, per-channel affine";
    }

    @Override
    public Block create(int channels, NormOptions options) {
        return new GroupNormBlock(name(), channels, 1, options.eps());
    }

    @Override
    public boolean supportsBatchOfOne(boolean training) {
        return true;
    }

    @Override
    public boolean batchIndependentInTraining() {
        return true;
    }
}
