package org.normbench.datasets;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable in-memory image classification set: uint8 pixel planes (C x H x W per image, images
 * back to back), one integer label per image, class names and the data's source and license. Not a
 * loader and not a tensor: readers build it, {@link BatchAssembler} turns it into float batches.
 */
public final class ImageDataset {

    private final String name;
    private final String attribution;
    private final List<String> classNames;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final int[] labels;

    /**
     * Takes ownership of {@code pixels} and {@code labels} (no copy: readers hand over fresh arrays
     * and a copy of CIFAR-10 would cost 150 MB). Callers must not modify them afterwards.
     */
    public ImageDataset(
            String name,
            String attribution,
            List<String> classNames,
            int channels,
            int height,
            int width,
            byte[] pixels,
            int[] labels) {
        this.name = Objects.requireNonNull(name, "name");
        this.attribution = Objects.requireNonNull(attribution, "attribution");
        this.classNames = List.copyOf(classNames);
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    name
                            + ": image shape must be positive, got "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = Objects.requireNonNull(labels, "labels");
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(
                    name
                            + ": "
                            + labels.length
                            + " labels need "
                            + expected
                            + " pixel bytes ("
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + " each), got "
                            + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException(
                        name
                                + ": label of image "
                                + i
                                + " is "
                                + labels[i]
                                + ", allowed 0.."
                                + (this.classNames.size() - 1));
            }
        }
    }

    public String name() {
        return name;
    }

    /** Where the data comes from and under which license, e.g. for a report footer. */
    public String attribution() {
        return attribution;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Bytes per image: channels x height x width. */
    public int imageBytes() {
        return channels * height * width;
    }

    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Number of images per class, indexed like {@link #classNames()}. */
    public int[] classCounts() {
        int[] counts = new int[classNames.size()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * A read-only view (no copy) of all pixels, image after image, each C x H x W, values 0..255 as
     * unsigned bytes ({@code b & 0xFF}).
     */
    public ByteBuffer pixels() {
        return ByteBuffer.wrap(pixels).asReadOnlyBuffer();
    }

    /** One pixel as 0..255. */
    public int pixel(int image, int channel, int y, int x) {
        return pixels[((image * channels + channel) * height + y) * width + x] & 0xFF;
    }

    /** A copy of one image's C x H x W bytes. */
    public byte[] image(int i) {
        Objects.checkIndex(i, labels.length);
        int n = imageBytes();
        return Arrays.copyOfRange(pixels, i * n, (i + 1) * n);
    }

    /** A new dataset of the given images, in the given order (indices may repeat). */
    public ImageDataset subset(int[] indices) {
        int n = imageBytes();
        byte[] px = new byte[Math.multiplyExact(indices.length, n)];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = Objects.checkIndex(indices[k], labels.length);
            System.arraycopy(pixels, i * n, px, k * n, n);
            lb[k] = labels[i];
        }
        return new ImageDataset(name, attribution, classNames, channels, height, width, px, lb);
    }

    /** The backing array, for this package's hot loops only (never handed out). */
    byte[] pixelArray() {
        return pixels;
    }

    @Override
    public String toString() {
        return name
                + " ("
                + size()
                + " images, "
                + channels
                + "x"
                + height
                + "x"
                + width
                + ", "
                + classNames.size()
                + " classes)";
    }
}
