package org.normbench.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.initializer.XavierInitializer;
import java.util.List;
import org.normbench.hooks.Probe;
import org.normbench.model.activations.Activation;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.Norm;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;

/**
 * The small CNN of fast.ai course-v3 part 2 (notebooks 06-07, {@code get_cnn_model}), with a
 * pluggable norm and activation: four convolutions of 8/16/32/32 x width channels, each stride 2
 * with padding k/2 (5x5 first, then 3x3), each followed by the norm and the activation, then global
 * average pooling and a linear classifier. On 1x28x28 input the maps are 14, 7, 4 and 2 pixels
 * wide. Forward: NDList(x: N x inputChannels x H x W) to NDList(logits: N x numClasses). The second
 * architecture of the suite, for the lesson's own experiment (profile {@code lesson10}); not a
 * ResNet.
 *
 * <p>Hook points ({@link Probe}s): {@code layer1} ... {@code layer4} (each conv + norm + activation
 * output) and {@code head}. One deliberate difference from notebook 07: there the BatchNorm comes
 * after {@code GeneralRelu}; here the norm precedes the activation, as in the ResNet, so the probes
 * see activation outputs (as notebook 06's hooks did) and the dead-unit measures mean the same in
 * both architectures. Initialisation as fastai's {@code init_cnn}: convolutions Kaiming normal with
 * fan_in, std = sqrt(2 / (in_channels * k * k)); no convolution bias (a norm follows each); the
 * linear layer PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
public final class LessonCnn {
    /** Channels of the four convolutions at width 1 (the notebook's {@code nfs}). */
    public static final List<Integer> CHANNELS = List.of(8, 16, 32, 32);

    /** Hook names in depth order. */
    public static final List<String> PROBE_NAMES =
            List.of("layer1", "layer2", "layer3", "layer4", "head");

    private LessonCnn() {}

    /**
     * @param width multiplier of {@link #CHANNELS} (channels rounded, at least 1)
     * @param inputChannels channels of the input images (1 for Fashion-MNIST)
     */
    public static Block build(
            String norm,
            NormOptions normOptions,
            String activation,
            ActivationOptions actOptions,
            double width,
            int inputChannels,
            int numClasses) {
        if (!(width > 0) || !Double.isFinite(width)) {
            throw new IllegalArgumentException(
                    "width=" + width + " must be a finite number > 0 (1.0 = 8/16/32/32 channels)");
        }
        if (inputChannels < 1 || numClasses < 1) {
            throw new IllegalArgumentException(
                    "inputChannels="
                            + inputChannels
                            + " and numClasses="
                            + numClasses
                            + " must be >= 1");
        }
        Norm n = NormRegistry.get(norm);
        Activation act = ActivationRegistry.get(activation);
        NamedSequence net = new NamedSequence();
        int in = inputChannels;
        for (int i = 0; i < CHANNELS.size(); i++) {
            int out = Math.max(1, (int) Math.round(CHANNELS.get(i) * width));
            int k = i == 0 ? 5 : 3;
            NamedSequence layer =
                    new NamedSequence()
                            .add("conv", conv(out, k))
                            .add("norm", n.create(out, normOptions))
                            .add("act", act.create(actOptions));
            net.add(PROBE_NAMES.get(i), new Probe(PROBE_NAMES.get(i), layer));
            in = out;
        }
        NamedSequence head = new NamedSequence();
        head.add("avgpool", Pool.globalAvgPool2dBlock());
        Linear fc = Linear.builder().setUnits(numClasses).optBias(true).build();
        float bound = (float) (1 / Math.sqrt(in));
        fc.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
        fc.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
        head.add("fc", fc);
        net.add("head", new Probe("head", head));
        return net;
    }

    private static Conv2d conv(int out, int k) {
        // channel-padded like the ResNet's: oneDNN's padded blocked layouts give NaN gradients at
        // narrow widths
        Conv2d conv = ChannelPaddedConv2d.of(out, k, 2, k / 2);
        // Kaiming normal, fan_in, gain sqrt(2): DJL's Xavier with magnitude 2 over fan_in
        conv.setInitializer(
                new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
                Parameter.Type.WEIGHT);
        return conv;
    }
}
