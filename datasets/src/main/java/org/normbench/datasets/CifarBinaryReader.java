package org.normbench.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR-10 binary version: each batch file is a sequence of 3,073-byte records (one label
 * byte, then the red, green and blue 32x32 planes, row-major), and {@code batches.meta.txt} holds
 * the class names, one per line. Not for the Python (pickle) version.
 */
public final class CifarBinaryReader {

    public static final int SIDE = 32;
    public static final int IMAGE_BYTES = 3 * SIDE * SIDE;
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;

    private CifarBinaryReader() {}

    /** The class names of {@code batches.meta.txt} (blank lines ignored). */
    public static List<String> readClassNames(Path metaFile) throws IOException {
        List<String> names =
                Files.readAllLines(metaFile, StandardCharsets.US_ASCII).stream()
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
        if (names.isEmpty()) {
            throw new DatasetFormatException(
                    metaFile, "number of class names", 0, "one class name per line");
        }
        return names;
    }

    /** Reads and concatenates batch files, in the order given, into one 3x32x32 dataset. */
    public static ImageDataset read(
            String name, String attribution, List<String> classNames, List<Path> batchFiles)
            throws IOException {
        long total = 0;
        for (Path f : batchFiles) {
            long size = Files.size(f);
            if (size == 0 || size % RECORD_BYTES != 0) {
                throw new DatasetFormatException(
                        f,
                        "size",
                        size + " bytes",
                        "a positive multiple of "
                                + RECORD_BYTES
                                + " (1 label byte + 3x32x32 pixels per record; file truncated?)");
            }
            total += size / RECORD_BYTES;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE) {
            throw new DatasetFormatException(
                    name + ": " + total + " CIFAR records do not fit one in-memory array");
        }
        int n = (int) total;
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        int k = 0;
        for (Path f : batchFiles) {
            byte[] data = Files.readAllBytes(f);
            int records = data.length / RECORD_BYTES;
            for (int r = 0; r < records; r++, k++) {
                int off = r * RECORD_BYTES;
                int label = data[off] & 0xFF;
                if (label >= classNames.size()) {
                    throw new DatasetFormatException(
                            f, "label of record " + r, label, "0.." + (classNames.size() - 1));
                }
                labels[k] = label;
                System.arraycopy(data, off + 1, pixels, k * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new ImageDataset(name, attribution, classNames, 3, SIDE, SIDE, pixels, labels);
    }
}
