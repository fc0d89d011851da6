package org.normbench.model.norms;

import ai.djl.nn.Block;
import java.util.Set;

/**
 * {@code rbn}: fastai's RunningBatchNorm (course-v3 notebook 07), see {@link
 * RunningBatchNormBlock}.
 */
public final class RbnNorm implements Norm {
    @Override
    public String name() {
        return "rbn";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("runningbatchnorm", "runningbn", "running");
    }

    @Override
    public String description() {
        return "RunningBatchNorm (fastai): running batch statistics, including this batch, in training and eval";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(NormOptions.EPS, NormOptions.MOMENTUM);
    }

    @Override
    public Block create(int channels, NormOptions options) {
        return new RunningBatchNormBlock(name(), channels, options.eps(), options.momentum());
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
