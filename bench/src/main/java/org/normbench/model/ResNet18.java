package org.normbench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.initializer.XavierInitializer;
import java.util.ArrayList;
import java.util.List;
import org.normbench.hooks.Probe;
import org.normbench.model.activations.Activation;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.Norm;
import org.normbench.model.norms.NormRegistry;

/**
 * Builds ResNet18 (He et al. 2016) with a pluggable norm and activation: stem, four stages of two
 * {@link BasicBlock}s with widths 64/128/256/512 x width, global average pool, linear classifier.
 * Forward: NDList(x: N x inputChannels x imageSize x imageSize) to NDList(logits: N x numClasses).
 *
 * <p>Hook points ({@link Probe}s): {@code stem} (conv + norm + act [+ max-pool]), {@code layer1.0}
 * ... {@code layer4.1} (each BasicBlock's output after the residual add and activation), {@code
 * head}.
 *
 * <p>Initialisation, as torchvision's ResNet: convolutions Kaiming normal with fan_out and the ReLU
 * gain, std = sqrt(2 / (out_channels * k * k)), for every activation (so variants differ only in
 * the activation, not in the initial weights' scale); norm scale 1, shift 0 (scale 0 for each
 * block's last norm with {@code zeroInitLastNorm}); linear layer PyTorch's default
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias. Convolutions have no bias (a norm follows
 * each). The block is not initialised: call {@code initialize(manager, FLOAT32,
 * config.inputShape(n))} or use a DJL Model/Trainer.
 */
public final class ResNet18 {
    /** Hook names in depth order. */
    public static final List<String> PROBE_NAMES = probeNames();

    private ResNet18() {}

    public static Block build(ResNetConfig c) {
        Norm norm = NormRegistry.get(c.norm());
        Activation act = ActivationRegistry.get(c.activation());
        NamedSequence net = new NamedSequence();

        int w0 = c.stageWidth(0);
        NamedSequence stem = new NamedSequence();
        if (c.stem() == Stem.CIFAR) {
            stem.add("conv", conv(c.inputChannels(), w0, 3, 1, 1));
        } else {
            stem.add("conv", conv(c.inputChannels(), w0, 7, 2, 3));
        }
        stem.add("norm", norm.create(w0, c.normOptions()));
        stem.add("act", act.create(c.actOptions()));
        if (c.stem() == Stem.IMAGENET) {
            stem.add(
                    "maxpool",
                    Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        }
        net.add("stem", new Probe("stem", stem));

        int in = w0;
        for (int stage = 0; stage < 4; stage++) {
            int out = c.stageWidth(stage);
            for (int j = 0; j < 2; j++) {
                int stride = stage > 0 && j == 0 ? 2 : 1;
                String name = "layer" + (stage + 1) + "." + j;
                net.add(name, new Probe(name, basicBlock(c, norm, act, in, out, stride)));
                in = out;
            }
        }

        NamedSequence head = new NamedSequence();
        head.add("avgpool", Pool.globalAvgPool2dBlock());
        Linear fc = Linear.builder().setUnits(c.numClasses()).optBias(true).build();
        float bound = (float) (1 / Math.sqrt(in));
        fc.setInitializer(new UniformInitializer(bound), Parameter.Type.WEIGHT);
        fc.setInitializer(new UniformInitializer(bound), Parameter.Type.BIAS);
        head.add("fc", fc);
        net.add("head", new Probe("head", head));
        return net;
    }

    private static BasicBlock basicBlock(
            ResNetConfig c, Norm norm, Activation act, int in, int out, int stride) {
        Block norm2 = norm.create(out, c.normOptions());
        if (c.zeroInitLastNorm()) {
            norm2.setInitializer(Initializer.ZEROS, Parameter.Type.GAMMA);
        }
        NamedSequence shortcut = null;
        if (stride != 1 || in != out) {
            shortcut =
                    new NamedSequence()
                            .add("conv", conv(in, out, 1, stride, 0))
                            .add("norm", norm.create(out, c.normOptions()));
        }
        return new BasicBlock(
                conv(in, out, 3, stride, 1),
                norm.create(out, c.normOptions()),
                act.create(c.actOptions()),
                conv(out, out, 3, 1, 1),
                norm2,
                shortcut,
                act.create(c.actOptions()));
    }

    private static Conv2d conv(int in, int out, int k, int stride, int pad) {
        // Channel-padded: oneDNN's padded blocked layouts give random NaN gradients at narrow
        // widths.
        Conv2d conv = ChannelPaddedConv2d.of(out, k, stride, pad);
        // Kaiming normal, fan_out, gain sqrt(2): DJL's Xavier with magnitude 2 over fan_out is
        // exactly that.
        conv.setInitializer(
                new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2),
                Parameter.Type.WEIGHT);
        return conv;
    }

    /**
     * Trainable parameters (those that require a gradient) of an initialised block; running
     * statistics are not counted, as in torchinfo's "Trainable params".
     *
     * @throws IllegalStateException when the block is not initialised (shapes unknown)
     */
    public static long trainableParameters(Block b) {
        long total = 0;
        for (Parameter p : b.getParameters().values()) {
            if (!p.requiresGradient()) {
                continue;
            }
            if (p.getShape() == null) {
                throw new IllegalStateException(
                        "parameter "
                                + p.getName()
                                + " has no shape yet: initialize the block first");
            }
            total += p.getShape().size();
        }
        return total;
    }

    private static List<String> probeNames() {
        List<String> names = new ArrayList<>();
        names.add("stem");
        for (int stage = 1; stage <= 4; stage++) {
            for (int j = 0; j < 2; j++) {
                names.add("layer" + stage + "." + j);
            }
        }
        names.add("head");
        return List.copyOf(names);
    }
}
