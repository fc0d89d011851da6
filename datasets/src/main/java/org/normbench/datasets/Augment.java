package org.normbench.datasets;

import java.util.SplittableRandom;

/**
 * The training augmentations as plain seeded functions on one C x H x W uint8 image: random crop
 * with zero padding, and horizontal flip with probability 0.5. They are the reference that tests
 * check; {@link BatchAssembler} applies the same draws fused into its single pass, consuming the
 * random generator in the same order ({@link #draw}). Not a pipeline, and not used per pixel in
 * training.
 */
public final class Augment {

    /** CIFAR convention: pad 4 pixels each side, then crop back to the original size. */
    public static final int CROP_PADDING = 4;

    private Augment() {}

    /**
     * One image's random choices: the crop's top-left corner in the padded image (each in {@code
     * 0..2*pad}; {@code pad, pad} is the unshifted image) and whether to mirror it.
     */
    public record Params(int offsetY, int offsetX, boolean flip) {}

    /** Draws one image's choices: offsetY, then offsetX, then flip. */
    public static Params draw(SplittableRandom rng, int pad) {
        int oy = rng.nextInt(2 * pad + 1);
        int ox = rng.nextInt(2 * pad + 1);
        boolean flip = rng.nextBoolean();
        return new Params(oy, ox, flip);
    }

    /**
     * Zero-pads the image by {@code pad} on every side and cuts the H x W window whose top-left
     * corner is at {@code (offsetY, offsetX)} of the padded image.
     */
    public static byte[] crop(
            byte[] image, int channels, int height, int width, int pad, int offsetY, int offsetX) {
        checkShape(image, channels, height, width);
        if (offsetY < 0 || offsetY > 2 * pad || offsetX < 0 || offsetX > 2 * pad) {
            throw new IllegalArgumentException(
                    "crop offset (" + offsetY + ", " + offsetX + ") outside 0.." + 2 * pad);
        }
        byte[] out = new byte[image.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int sy = y + offsetY - pad;
                if (sy < 0 || sy >= height) {
                    continue;
                }
                for (int x = 0; x < width; x++) {
                    int sx = x + offsetX - pad;
                    if (sx >= 0 && sx < width) {
                        out[(c * height + y) * width + x] = image[(c * height + sy) * width + sx];
                    }
                }
            }
        }
        return out;
    }

    /** Mirrors the image left to right. */
    public static byte[] horizontalFlip(byte[] image, int channels, int height, int width) {
        checkShape(image, channels, height, width);
        byte[] out = new byte[image.length];
        for (int row = 0; row < channels * height; row++) {
            int base = row * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = image[base + width - 1 - x];
            }
        }
        return out;
    }

    /**
     * Random crop with padding then random flip, drawing from {@code rng} exactly as {@link
     * BatchAssembler} does.
     */
    public static byte[] cropAndFlip(
            byte[] image, int channels, int height, int width, int pad, SplittableRandom rng) {
        Params p = draw(rng, pad);
        byte[] out = crop(image, channels, height, width, pad, p.offsetY(), p.offsetX());
        return p.flip() ? horizontalFlip(out, channels, height, width) : out;
    }

    private static void checkShape(byte[] image, int channels, int height, int width) {
        if (image.length != channels * height * width) {
            throw new IllegalArgumentException(
                    "image has "
                            + image.length
                            + " bytes, shape "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + " needs "
                            + channels * height * width);
        }
    }
}
