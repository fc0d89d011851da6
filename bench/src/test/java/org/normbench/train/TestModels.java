package org.normbench.train;

import ai.djl.nn.Block;
import java.util.SplittableRandom;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;

/**
 * Test-only models and data: the model module's ResNet18 in its BatchNorm variants, and a small
 * synthetic labelled image set whose classes are noisy copies of fixed prototypes (cheap steps for
 * tests of the loop's mechanics; learning tests use the embedded Fashion-MNIST subset).
 */
public final class TestModels {
    private TestModels() {}

    /** The model module's CIFAR ResNet18 with BatchNorm at {@code width}. */
    public static Block resnet18(double width, boolean leaky) {
        return ResNet18.build(
                ResNetConfig.cifar("bn", leaky ? "leaky_relu" : "relu").withWidth(width));
    }

    /**
     * One training step at batch 4 with {@code seed}, no statistics, no timer warm-up: for tests of
     * what a step does to the parameters.
     */
    public static TrainConfig oneStep(long seed) {
        return TrainConfig.builder()
                .batchSize(4)
                .maxSteps(1)
                .statsEverySteps(0)
                .timerWarmupSteps(0)
                .seed(seed)
                .build();
    }

    /**
     * {@code n} images of 3x16x16 in 10 classes: a fixed prototype per class plus Gaussian noise.
     */
    public static BatchSource synthetic(int n, long seed) {
        return new Synthetic(n, 3, 16, 16, 10, seed);
    }

    static class Synthetic implements BatchSource {
        private final int n;
        private final int c;
        private final int h;
        private final int w;
        private final float[] pixels;
        private final int[] labels;

        Synthetic(int n, int c, int h, int w, int classes, long seed) {
            this.n = n;
            this.c = c;
            this.h = h;
            this.w = w;
            int image = c * h * w;
            SplittableRandom rng = new SplittableRandom(seed);
            float[][] prototypes = new float[classes][image];
            for (float[] p : prototypes) {
                for (int i = 0; i < image; i++) {
                    p[i] = (float) rng.nextGaussian();
                }
            }
            pixels = new float[n * image];
            labels = new int[n];
            for (int k = 0; k < n; k++) {
                labels[k] = k % classes;
                for (int i = 0; i < image; i++) {
                    pixels[k * image + i] =
                            prototypes[labels[k]][i] + (float) (1.5 * rng.nextGaussian());
                }
            }
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public int channels() {
            return c;
        }

        @Override
        public int height() {
            return h;
        }

        @Override
        public int width() {
            return w;
        }

        @Override
        public void assemble(
                int[] indices, float[] out, int[] labelsOut, SplittableRandom rngOrNull) {
            int image = imageSize();
            for (int i = 0; i < indices.length; i++) {
                int k = indices[i];
                boolean flip = rngOrNull != null && rngOrNull.nextBoolean();
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        int src = k * image + (ch * h + y) * w;
                        int dst = i * image + (ch * h + y) * w;
                        for (int x = 0; x < w; x++) {
                            out[dst + x] = pixels[src + (flip ? w - 1 - x : x)];
                        }
                    }
                }
                labelsOut[i] = labels[k];
            }
        }
    }
}
