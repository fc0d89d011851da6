package org.normbench.datasets;

/**
 * The three splits a training run uses, plus the per-channel mean and standard deviation computed
 * on {@code train} after the CIFAR-stem fit (so their length is the number of channels the model
 * sees), in [0,1] pixel units. Validation may be empty (size 0) when no fraction was held out.
 */
public record DatasetSplits(
        ImageDataset train,
        ImageDataset validation,
        ImageDataset test,
        float[] channelMean,
        float[] channelStd) {

    public DatasetSplits {
        if (channelMean.length != channelStd.length) {
            throw new IllegalArgumentException(
                    "channelMean has "
                            + channelMean.length
                            + " entries, channelStd "
                            + channelStd.length);
        }
        channelMean = channelMean.clone();
        channelStd = channelStd.clone();
    }

    @Override
    public float[] channelMean() {
        return channelMean.clone();
    }

    @Override
    public float[] channelStd() {
        return channelStd.clone();
    }
}
