package org.normbench.model;

import ai.djl.ndarray.types.Shape;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;

/**
 * Everything that defines one ResNet18 variant. Start from {@link #cifar} or {@link #imagenet} and
 * change fields with the {@code with...} methods. Names and option types are checked here; whether
 * options fit each layer (GroupNorm groups) is checked when {@link ResNet18#build} creates the
 * layers.
 *
 * @param norm registered norm name ({@link NormRegistry})
 * @param normOptions options for every norm layer
 * @param activation registered activation name ({@link ActivationRegistry})
 * @param actOptions options for every activation
 * @param width multiplier of the stage widths 64/128/256/512 (channels rounded, at least 1)
 * @param stem input stem
 * @param numClasses outputs of the classifier
 * @param inputChannels channels of the input images (3 for CIFAR-10, 1 for Fashion-MNIST)
 * @param imageSize height and width of the (square) input images, for shape inference and the
 *     summary
 * @param zeroInitLastNorm start each residual branch's last norm with scale 0 (Goyal et al. 2017),
 *     off by default
 */
public record ResNetConfig(
        String norm,
        NormOptions normOptions,
        String activation,
        ActivationOptions actOptions,
        double width,
        Stem stem,
        int numClasses,
        int inputChannels,
        int imageSize,
        boolean zeroInitLastNorm) {

    public ResNetConfig {
        NormRegistry.get(norm);
        ActivationRegistry.get(activation);
        if (normOptions == null) {
            normOptions = NormOptions.DEFAULTS;
        }
        if (actOptions == null) {
            actOptions = ActivationOptions.DEFAULTS;
        }
        if (!(width > 0) || !Double.isFinite(width)) {
            throw new IllegalArgumentException(
                    "width="
                            + width
                            + " must be a finite number > 0 (1.0 = 64/128/256/512 channels)");
        }
        if (stem == null) {
            stem = Stem.CIFAR;
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses=" + numClasses + " must be >= 1");
        }
        if (inputChannels < 1) {
            throw new IllegalArgumentException("inputChannels=" + inputChannels + " must be >= 1");
        }
        int minSize = stem == Stem.IMAGENET ? 32 : 8;
        if (imageSize < minSize) {
            throw new IllegalArgumentException(
                    "imageSize="
                            + imageSize
                            + " must be >= "
                            + minSize
                            + " for the "
                            + stem
                            + " stem (five stride-2 stages need room)");
        }
    }

    /** CIFAR-10 defaults: width 1, CIFAR stem, 10 classes, 3x32x32 inputs. */
    public static ResNetConfig cifar(String norm, String activation) {
        return new ResNetConfig(
                norm,
                NormOptions.DEFAULTS,
                activation,
                ActivationOptions.DEFAULTS,
                1.0,
                Stem.CIFAR,
                10,
                3,
                32,
                false);
    }

    /** torchvision defaults: width 1, ImageNet stem, 1000 classes, 3x224x224 inputs. */
    public static ResNetConfig imagenet(String norm, String activation) {
        return new ResNetConfig(
                norm,
                NormOptions.DEFAULTS,
                activation,
                ActivationOptions.DEFAULTS,
                1.0,
                Stem.IMAGENET,
                1000,
                3,
                224,
                false);
    }

    public ResNetConfig withNormOptions(NormOptions o) {
        return new ResNetConfig(
                norm,
                o,
                activation,
                actOptions,
                width,
                stem,
                numClasses,
                inputChannels,
                imageSize,
                zeroInitLastNorm);
    }

    public ResNetConfig withActOptions(ActivationOptions o) {
        return new ResNetConfig(
                norm,
                normOptions,
                activation,
                o,
                width,
                stem,
                numClasses,
                inputChannels,
                imageSize,
                zeroInitLastNorm);
    }

    public ResNetConfig withWidth(double w) {
        return new ResNetConfig(
                norm,
                normOptions,
                activation,
                actOptions,
                w,
                stem,
                numClasses,
                inputChannels,
                imageSize,
                zeroInitLastNorm);
    }

    public ResNetConfig withStem(Stem s) {
        return new ResNetConfig(
                norm,
                normOptions,
                activation,
                actOptions,
                width,
                s,
                numClasses,
                inputChannels,
                imageSize,
                zeroInitLastNorm);
    }

    public ResNetConfig withClasses(int n) {
        return new ResNetConfig(
                norm,
                normOptions,
                activation,
                actOptions,
                width,
                stem,
                n,
                inputChannels,
                imageSize,
                zeroInitLastNorm);
    }

    /** Input images of {@code channels} x {@code size} x {@code size}. */
    public ResNetConfig withInput(int channels, int size) {
        return new ResNetConfig(
                norm,
                normOptions,
                activation,
                actOptions,
                width,
                stem,
                numClasses,
                channels,
                size,
                zeroInitLastNorm);
    }

    public ResNetConfig withZeroInitLastNorm(boolean z) {
        return new ResNetConfig(
                norm,
                normOptions,
                activation,
                actOptions,
                width,
                stem,
                numClasses,
                inputChannels,
                imageSize,
                z);
    }

    /** Channels of stage {@code i} (0..3): round(64 * 2^i * width), at least 1. */
    public int stageWidth(int i) {
        return Math.max(1, (int) Math.round(64 * (1 << i) * width));
    }

    /** Shape of one input batch of {@code batchSize} images. */
    public Shape inputShape(long batchSize) {
        return new Shape(batchSize, inputChannels, imageSize, imageSize);
    }
}
