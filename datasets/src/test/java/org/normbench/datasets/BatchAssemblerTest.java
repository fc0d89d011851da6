package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {

    static ImageDataset randomSet(int n, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * c * h * w];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) r.nextInt(256);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new ImageDataset("rand", "test", List.of("a", "b", "c"), c, h, w, px, labels);
    }

    /**
     * The reference: pad to 32x32 (grey to 3 channels) exactly as the fit describes, byte by byte.
     */
    static byte[] fit(byte[] img, int c, int h, int w) {
        int oc = c == 1 ? 3 : c;
        int oh = Math.max(h, 32);
        int ow = Math.max(w, 32);
        int top = (oh - h) / 2;
        int left = (ow - w) / 2;
        byte[] out = new byte[oc * oh * ow];
        for (int ch = 0; ch < oc; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(ch * oh + y + top) * ow + x + left] =
                            img[((c == 1 ? 0 : ch) * h + y) * w + x];
                }
            }
        }
        return out;
    }

    static float[] normalise(byte[] img, int c, float[] mean, float[] std) {
        int plane = img.length / c;
        float[] out = new float[img.length];
        for (int i = 0; i < img.length; i++) {
            int ch = i / plane;
            out[i] = ((img[i] & 0xFF) / 255f - mean[ch]) / std[ch];
        }
        return out;
    }

    @Test
    void greyTwentyEightIsPaddedToThreeChannelThirtyTwoAndNormalised() {
        ImageDataset ds = randomSet(5, 1, 28, 28, 1);
        float[] mean = {0.1f, 0.2f, 0.3f};
        float[] std = {0.5f, 0.25f, 2f};
        BatchAssembler a = new BatchAssembler(1, 28, 28, true, mean, std);
        assertEquals(3, a.outChannels());
        assertEquals(32, a.outHeight());
        assertEquals(32, a.outWidth());
        int[] idx = {4, 0, 2};
        float[] out = new float[idx.length * a.imageFloats()];
        int[] labels = new int[idx.length];
        a.assemble(ds, idx, out, labels, null);
        assertArrayEquals(new int[] {1, 0, 2}, labels);
        for (int k = 0; k < idx.length; k++) {
            float[] expected = normalise(fit(ds.image(idx[k]), 1, 28, 28), 3, mean, std);
            float[] got = Arrays.copyOfRange(out, k * a.imageFloats(), (k + 1) * a.imageFloats());
            assertArrayEquals(expected, got, 1e-6f);
        }
        // a padding pixel is (0 - mean) / std
        assertEquals(-0.2f / 0.25f, out[1024 + 0], 1e-6f);
    }

    @Test
    void augmentedBatchEqualsTheReferenceCropThenFlipWithTheSameSeed() {
        ImageDataset ds = randomSet(40, 1, 28, 28, 2);
        float[] mean = {0.3f, 0.3f, 0.3f};
        float[] std = {0.4f, 0.4f, 0.4f};
        BatchAssembler a = new BatchAssembler(1, 28, 28, true, mean, std);
        int[] idx = IntStream.range(0, 40).toArray();
        float[] out = new float[idx.length * a.imageFloats()];
        a.assemble(ds, idx, out, new int[idx.length], new SplittableRandom(99));
        SplittableRandom ref = new SplittableRandom(99);
        int flips = 0;
        for (int k = 0; k < idx.length; k++) {
            byte[] fitted = fit(ds.image(k), 1, 28, 28);
            Augment.Params p = Augment.draw(ref, 4);
            flips += p.flip() ? 1 : 0;
            byte[] cropped = Augment.crop(fitted, 3, 32, 32, 4, p.offsetY(), p.offsetX());
            byte[] aug = p.flip() ? Augment.horizontalFlip(cropped, 3, 32, 32) : cropped;
            float[] got = Arrays.copyOfRange(out, k * a.imageFloats(), (k + 1) * a.imageFloats());
            assertArrayEquals(normalise(aug, 3, mean, std), got, 1e-6f, "image " + k + " " + p);
        }
        // 40 images with p=0.5 flip: both branches were exercised
        Assertions.assertTrue(flips > 5 && flips < 35, "flips " + flips);
    }

    @Test
    void cifarShapedImagesPassThroughTheFitUnchangedAndAugmentLikeAugmentCropAndFlip() {
        ImageDataset ds = randomSet(8, 3, 32, 32, 3);
        float[] mean = {0.49f, 0.48f, 0.45f};
        float[] std = {0.25f, 0.24f, 0.26f};
        BatchAssembler a = new BatchAssembler(3, 32, 32, true, mean, std);
        assertEquals(3 * 32 * 32, a.imageFloats());
        int[] idx = {7, 3, 3};
        float[] out = new float[idx.length * a.imageFloats()];
        a.assemble(ds, idx, out, new int[3], new SplittableRandom(5));
        SplittableRandom ref = new SplittableRandom(5);
        for (int k = 0; k < idx.length; k++) {
            byte[] aug = Augment.cropAndFlip(ds.image(idx[k]), 3, 32, 32, 4, ref);
            float[] got = Arrays.copyOfRange(out, k * a.imageFloats(), (k + 1) * a.imageFloats());
            assertArrayEquals(normalise(aug, 3, mean, std), got, 1e-6f);
        }
    }

    @Test
    void withoutFitTheShapeIsKept() {
        BatchAssembler a =
                new BatchAssembler(1, 28, 28, false, new float[] {0.5f}, new float[] {0.5f});
        assertEquals(1, a.outChannels());
        assertEquals(28, a.outHeight());
    }

    @Test
    void wrongStatisticsLengthOrTooSmallOutputIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new BatchAssembler(1, 28, 28, true, new float[] {0.5f}, new float[] {0.5f}));
        assertThrows(
                IllegalArgumentException.class,
                () -> new BatchAssembler(3, 32, 32, false, new float[3], new float[] {1, 0, 1}));
        BatchAssembler a =
                new BatchAssembler(3, 32, 32, false, new float[3], new float[] {1, 1, 1});
        ImageDataset ds = randomSet(2, 3, 32, 32, 4);
        assertThrows(
                IllegalArgumentException.class,
                () -> a.assemble(ds, new int[] {0, 1}, new float[3072], new int[2], null));
    }
}
