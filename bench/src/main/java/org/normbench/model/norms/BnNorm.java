package org.normbench.model.norms;

import ai.djl.nn.Block;
import java.util.Set;

/** {@code bn}: BatchNorm, PyTorch defaults (momentum 0.1, eps 1e-5), running statistics in eval. */
public final class BnNorm implements Norm {
    @Override
    public String name() {
        return "bn";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("batchnorm", "batchnorm2d", "bn2d", "batch");
    }

    @Override
    public String description() {
        return "BatchNorm: batch statistics per channel in training, running statistics in eval";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(NormOptions.EPS, NormOptions.MOMENTUM);
    }

    @Override
    public Block create(int channels, NormOptions options) {
        return new BatchNormBlock(name(), channels, options.eps(), options.momentum());
    }

    @Override
    public boolean supportsBatchOfOne(boolean training) {
        return !training;
    }

    @Override
    public boolean batchIndependentInTraining() {
        return false;
    }
}
