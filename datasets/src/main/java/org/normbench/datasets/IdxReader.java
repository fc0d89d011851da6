package org.normbench.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format: big-endian magic {@code 0x0000 08 nd}, then nd
 * int32 dimensions, then unsigned bytes), plain or gzipped (detected by the gzip magic, not the
 * name). Checks the magic, the number of dimensions, the image size and that the data is exactly as
 * long as the dimensions say. Only unsigned-byte IDX is supported: that is all these datasets use.
 */
public final class IdxReader {

    private static final int UBYTE = 0x08;

    private IdxReader() {}

    /** A decoded IDX file: its dimensions and its bytes. */
    public record IdxArray(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }
    }

    /**
     * Reads one IDX file and checks that it has {@code expectedDims} dimensions.
     *
     * @throws DatasetFormatException naming the file, field and bad value
     */
    public static IdxArray read(Path file, int expectedDims) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), expectedDims);
        }
    }

    /**
     * As {@link #read(Path, int)} for a stream (not closed here); {@code source} names it in
     * errors.
     */
    public static IdxArray read(InputStream stream, String source, int expectedDims)
            throws IOException {
        DataInputStream data = new DataInputStream(maybeGunzip(stream));
        int magic;
        try {
            magic = data.readInt();
        } catch (EOFException e) {
            throw new DatasetFormatException(
                    source, "length", "under 4 bytes", "an IDX header (magic number + dimensions)");
        }
        int expectedMagic = (UBYTE << 8) | expectedDims;
        if (magic != expectedMagic) {
            throw new DatasetFormatException(
                    source,
                    "IDX magic number",
                    String.format("0x%08X", magic),
                    String.format(
                            "0x%08X (unsigned byte, %d dimension%s)",
                            expectedMagic, expectedDims, expectedDims == 1 ? "" : "s"));
        }
        int[] dims = new int[expectedDims];
        long total = 1;
        for (int d = 0; d < expectedDims; d++) {
            try {
                dims[d] = data.readInt();
            } catch (EOFException e) {
                throw new DatasetFormatException(
                        source,
                        "header",
                        "truncated after " + d + " of " + expectedDims + " dimensions",
                        "a complete IDX header");
            }
            if (dims[d] <= 0) {
                throw new DatasetFormatException(
                        source, "dimension " + d, dims[d], "a positive size");
            }
            total *= dims[d];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new DatasetFormatException(
                    source, "dimensions", Arrays.toString(dims), "at most 2^31 bytes of data");
        }
        byte[] bytes = new byte[(int) total];
        int read;
        try {
            read = data.readNBytes(bytes, 0, bytes.length);
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(
                    source,
                    "gzip stream",
                    "cut short or corrupt (" + e.getMessage() + ")",
                    bytes.length
                            + " data bytes for dimensions "
                            + Arrays.toString(dims)
                            + " (delete the file and fetch again)");
        }
        if (read < bytes.length) {
            throw new DatasetFormatException(
                    source,
                    "data length",
                    read + " bytes",
                    bytes.length
                            + " bytes for dimensions "
                            + Arrays.toString(dims)
                            + " (file truncated? delete it and fetch again)");
        }
        if (data.read() != -1) {
            throw new DatasetFormatException(
                    source,
                    "data length",
                    "more than " + bytes.length + " bytes",
                    "exactly " + bytes.length + " bytes for dimensions " + Arrays.toString(dims));
        }
        return new IdxArray(dims, bytes);
    }

    /**
     * Reads an images file (3 dimensions N x H x W) and its labels file (1 dimension N) into a
     * one-channel dataset, checking the counts agree and every label is a known class.
     */
    public static ImageDataset readImages(
            String name, String attribution, List<String> classNames, Path images, Path labels)
            throws IOException {
        return toDataset(
                name,
                attribution,
                classNames,
                read(images, 3),
                images.toString(),
                read(labels, 1),
                labels.toString());
    }

    /**
     * Pairs decoded images (N x H x W) and labels (N) into a one-channel dataset; sources name them
     * in errors.
     */
    public static ImageDataset toDataset(
            String name,
            String attribution,
            List<String> classNames,
            IdxArray img,
            String images,
            IdxArray lab,
            String labels)
            throws IOException {
        if (img.count() != lab.count()) {
            throw new DatasetFormatException(
                    labels,
                    "number of labels",
                    lab.count(),
                    img.count() + " to match the " + img.count() + " images of " + images);
        }
        int[] lb = new int[lab.count()];
        byte[] raw = lab.data();
        for (int i = 0; i < lb.length; i++) {
            lb[i] = raw[i] & 0xFF;
            if (lb[i] >= classNames.size()) {
                throw new DatasetFormatException(
                        labels, "label of item " + i, lb[i], "0.." + (classNames.size() - 1));
            }
        }
        return new ImageDataset(
                name, attribution, classNames, 1, img.dims()[1], img.dims()[2], img.data(), lb);
    }

    private static InputStream maybeGunzip(InputStream stream) throws IOException {
        InputStream in = new BufferedInputStream(stream, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }
}
