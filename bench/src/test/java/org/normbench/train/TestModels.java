package org.normbench.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import java.util.SplittableRandom;
import org.normbench.hooks.Probe;

/**
 * Test-only models and data: a CIFAR-style ResNet18 (3x3 stem, BasicBlocks, BatchNorm) with the
 * same Probe names as the model module ({@code stem}, {@code layer1.0} .. {@code layer4.1}), and a
 * synthetic labelled image set whose classes are noisy copies of fixed prototypes.
 */
public final class TestModels {
    private TestModels() {}

    public static Block resnet18(double width, boolean leaky) {
        int[] channels = {64, 128, 256, 512};
        SequentialBlock net = new SequentialBlock();
        int c0 = Math.max(1, (int) Math.round(64 * width));
        net.add(new Probe("stem", new SequentialBlock().add(conv(c0, 3, 1)).add(BatchNorm.builder().build()).add(act(leaky))));
        int in = c0;
        for (int s = 0; s < 4; s++) {
            int out = Math.max(1, (int) Math.round(channels[s] * width));
            for (int b = 0; b < 2; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                net.add(new Probe("layer" + (s + 1) + "." + b, basicBlock(in, out, stride, leaky)));
                in = out;
            }
        }
        net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(10).build());
        return net;
    }

    private static Block basicBlock(int in, int out, int stride, boolean leaky) {
        Block main = new SequentialBlock().add(conv(out, 3, stride)).add(BatchNorm.builder().build()).add(act(leaky))
                .add(conv(out, 3, 1)).add(BatchNorm.builder().build());
        Block shortcut = (stride != 1 || in != out)
                ? new SequentialBlock().add(conv(out, 1, stride)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        Block sum = new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                List.of(main, shortcut));
        return new SequentialBlock().add(sum).add(act(leaky));
    }

    private static Block conv(int filters, int k, int stride) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(k, k)).optStride(new Shape(stride, stride))
                .optPadding(new Shape(k / 2, k / 2)).optBias(false).build();
    }

    private static Block act(boolean leaky) {
        return leaky ? Activation.leakyReluBlock(0.01f) : Activation.reluBlock();
    }

    /** {@code n} images of 3x32x32 in 10 classes: a fixed prototype per class plus Gaussian noise. */
    public static BatchSource synthetic(int n, long seed) {
        return new Synthetic(n, 3, 32, 32, 10, seed);
    }

    static final class Synthetic implements BatchSource {
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
                    pixels[k * image + i] = prototypes[labels[k]][i] + (float) (1.5 * rng.nextGaussian());
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
        public void assemble(int[] indices, float[] out, int[] labelsOut, SplittableRandom rngOrNull) {
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
