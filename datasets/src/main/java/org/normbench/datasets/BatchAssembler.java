package org.normbench.datasets;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Turns images of an {@link ImageDataset} into one normalised float batch in NCHW order, in a
 * single pass per output pixel with no allocation: optional CIFAR-stem fit (zero-pad to at least
 * 32x32, grey repeated to 3 channels), optional augmentation (random crop with padding 4 and
 * horizontal flip p=0.5, drawn from the given generator as {@link Augment#draw}), then {@code
 * (x/255 - mean[c]) / std[c]} through a 256-entry lookup table per channel. This is what the
 * training loop calls per batch. Not thread-safe to share one instance's output arrays; the
 * instance itself is immutable.
 */
public final class BatchAssembler {

    /** The smallest side of ResNet18's CIFAR stem input. */
    public static final int CIFAR_SIDE = 32;

    private final int inC;
    private final int inH;
    private final int inW;
    private final int outC;
    private final int outH;
    private final int outW;
    private final int padTop;
    private final int padLeft;
    private final float[] lut;
    private final float[] zeroValue;

    /**
     * An assembler for source images of shape {@code channels x height x width}. With {@code
     * fitCifarStem} images are zero-padded (centred) to at least 32x32 and a single grey channel is
     * repeated to 3. {@code mean} and {@code std} are per output channel, in [0,1] pixel units
     * (length = {@link #outChannels()}).
     */
    public BatchAssembler(
            int channels, int height, int width, boolean fitCifarStem, float[] mean, float[] std) {
        this.inC = channels;
        this.inH = height;
        this.inW = width;
        int[] out = outputShape(channels, height, width, fitCifarStem);
        this.outC = out[0];
        this.outH = out[1];
        this.outW = out[2];
        this.padTop = (outH - height) / 2;
        this.padLeft = (outW - width) / 2;
        if (mean.length != outC || std.length != outC) {
            throw new IllegalArgumentException(
                    "mean and std need "
                            + outC
                            + " entries (output channels), got "
                            + mean.length
                            + " and "
                            + std.length);
        }
        this.lut = new float[outC * 256];
        this.zeroValue = new float[outC];
        for (int c = 0; c < outC; c++) {
            if (!(std[c] > 0f) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException(
                        "channel "
                                + c
                                + ": std must be > 0 and mean finite, got mean "
                                + mean[c]
                                + ", std "
                                + std[c]);
            }
            for (int v = 0; v < 256; v++) {
                lut[c * 256 + v] = (v / 255f - mean[c]) / std[c];
            }
            zeroValue[c] = lut[c * 256];
        }
    }

    /**
     * The {C, H, W} of the batches made of {@code channels x height x width} images, known before
     * any image is loaded (e.g. for {@code normbench bench --estimate}).
     */
    public static int[] outputShape(int channels, int height, int width, boolean fitCifarStem) {
        return new int[] {
            fitCifarStem && channels == 1 ? 3 : channels,
            fitCifarStem ? Math.max(height, CIFAR_SIDE) : height,
            fitCifarStem ? Math.max(width, CIFAR_SIDE) : width
        };
    }

    /**
     * The assembler for the train split's statistics, for images shaped like {@code
     * splits.train()}.
     */
    public static BatchAssembler forSplits(DatasetSplits splits, boolean fitCifarStem) {
        ImageDataset t = splits.train();
        return new BatchAssembler(
                t.channels(),
                t.height(),
                t.width(),
                fitCifarStem,
                splits.channelMean(),
                splits.channelStd());
    }

    public int outChannels() {
        return outC;
    }

    public int outHeight() {
        return outH;
    }

    public int outWidth() {
        return outW;
    }

    /** Floats per output image: outC x outH x outW. */
    public int imageFloats() {
        return outC * outH * outW;
    }

    /**
     * Writes images {@code indices} of {@code ds} to {@code out} (length at least {@code
     * indices.length * imageFloats()}) and their labels to {@code labelsOut}. With a non-null
     * {@code rng} each image is augmented (draws per image in index order: offsetY, offsetX, flip).
     */
    public void assemble(
            ImageDataset ds,
            int[] indices,
            float[] out,
            int[] labelsOut,
            SplittableRandom rngOrNull) {
        if (ds.channels() != inC || ds.height() != inH || ds.width() != inW) {
            throw new IllegalArgumentException(
                    "assembler built for "
                            + inC
                            + "x"
                            + inH
                            + "x"
                            + inW
                            + " images, dataset "
                            + ds.name()
                            + " has "
                            + ds.channels()
                            + "x"
                            + ds.height()
                            + "x"
                            + ds.width());
        }
        int per = imageFloats();
        if (out.length < (long) indices.length * per || labelsOut.length < indices.length) {
            throw new IllegalArgumentException(
                    "batch of "
                            + indices.length
                            + " needs "
                            + (long) indices.length * per
                            + " floats and "
                            + indices.length
                            + " labels, got "
                            + out.length
                            + " and "
                            + labelsOut.length);
        }
        byte[] src = ds.pixelArray();
        int inPlane = inH * inW;
        int pad = Augment.CROP_PADDING;
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            labelsOut[k] = ds.label(i);
            int shiftY = padTop;
            int shiftX = padLeft;
            boolean flip = false;
            if (rngOrNull != null) {
                Augment.Params p = Augment.draw(rngOrNull, pad);
                shiftY += pad - p.offsetY();
                shiftX += pad - p.offsetX();
                flip = p.flip();
            }
            int srcImage = i * inC * inPlane;
            int dstImage = k * per;
            // x range of output columns that come from a source column (others are padding)
            int xLo = flip ? outW - shiftX - inW : shiftX;
            int xFrom = Math.max(0, xLo);
            int xTo = Math.min(outW, xLo + inW);
            for (int c = 0; c < outC; c++) {
                int lutBase = c * 256;
                float zero = zeroValue[c];
                int srcPlane = srcImage + (inC == 1 ? 0 : c) * inPlane;
                int dstPlane = dstImage + c * outH * outW;
                for (int y = 0; y < outH; y++) {
                    int d = dstPlane + y * outW;
                    int sy = y - shiftY;
                    if (sy < 0 || sy >= inH || xFrom >= xTo) {
                        Arrays.fill(out, d, d + outW, zero);
                        continue;
                    }
                    int row = srcPlane + sy * inW;
                    for (int x = 0; x < xFrom; x++) {
                        out[d + x] = zero;
                    }
                    if (flip) {
                        // out x <- padded column (outW-1-x); source column = outW-1-x-shiftX
                        int s = row + outW - 1 - xFrom - shiftX;
                        for (int x = xFrom; x < xTo; x++, s--) {
                            out[d + x] = lut[lutBase + (src[s] & 0xFF)];
                        }
                    } else {
                        int s = row + xFrom - shiftX;
                        for (int x = xFrom; x < xTo; x++, s++) {
                            out[d + x] = lut[lutBase + (src[s] & 0xFF)];
                        }
                    }
                    for (int x = xTo; x < outW; x++) {
                        out[d + x] = zero;
                    }
                }
            }
        }
    }
}
