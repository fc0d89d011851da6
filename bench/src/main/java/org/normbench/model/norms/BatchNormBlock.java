package org.normbench.model.norms;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;

/**
 * BatchNorm over (N, H, W) per channel via torch's native batch_norm kernel (DJL's static {@link
 * BatchNorm#batchNorm}): batch statistics in training (updating running mean and the unbiased
 * running variance in place), running statistics in eval. {@code momentum} is PyTorch's (0.1);
 * DJL's argument is MXNet's {@code 1 - momentum}, converted here. Rejects batch 1 in training: one
 * sample makes its statistics those of instance norm, which is not what a user of {@code bn}
 * measures.
 */
public final class BatchNormBlock extends PerChannelNormBlock {
    private final double momentum;
    private final Parameter runningMean;
    private final Parameter runningVar;

    public BatchNormBlock(String normName, int channels, double eps, double momentum) {
        super(normName, channels, eps);
        this.momentum = momentum;
        this.runningMean = addChannelState("runningMean", Parameter.Type.RUNNING_MEAN);
        this.runningVar = addChannelState("runningVar", Parameter.Type.RUNNING_VAR);
    }

    @Override
    protected NDArray normalize(
            ParameterStore ps, NDArray x, NDArray g, NDArray b, boolean training) {
        if (training && x.getShape().get(0) == 1) {
            throw batchOfOne("BatchNorm's batch statistics need at least 2 samples");
        }
        NDArray rm = ps.getValue(runningMean, x.getDevice(), training);
        NDArray rv = ps.getValue(runningVar, x.getDevice(), training);
        return BatchNorm.batchNorm(
                        x,
                        rm,
                        rv,
                        g,
                        b,
                        TORCH_CHANNEL_AXIS,
                        (float) (1 - momentum),
                        (float) eps,
                        training)
                .singletonOrThrow();
    }
}
