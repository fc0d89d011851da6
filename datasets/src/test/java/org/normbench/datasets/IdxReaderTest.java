package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir Path dir;

    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bos);
        d.writeInt(magic);
        for (int x : dims) {
            d.writeInt(x);
        }
        d.write(data);
        d.flush();
        return bos.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        return bos.toByteArray();
    }

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    @Test
    void readsPlainAndGzippedImagesAndLabelsIntoOneChannelDataset() throws IOException {
        byte[] pixels = ramp(3 * 2 * 4);
        Path img =
                Files.write(dir.resolve("img.gz"), gzip(idx(0x0803, new int[] {3, 2, 4}, pixels)));
        Path lab =
                Files.write(dir.resolve("lab"), idx(0x0801, new int[] {3}, new byte[] {2, 0, 1}));
        ImageDataset ds = IdxReader.readImages("t", "a", List.of("x", "y", "z"), img, lab);
        assertEquals(3, ds.size());
        assertEquals(1, ds.channels());
        assertEquals(2, ds.height());
        assertEquals(4, ds.width());
        assertArrayEquals(new int[] {2, 0, 1}, ds.labels());
        assertArrayEquals(Arrays.copyOfRange(pixels, 8, 16), ds.image(1));
        assertEquals(pixels[8 + 4 + 3] & 0xFF, ds.pixel(1, 0, 1, 3));
    }

    @Test
    void wrongMagicNamesFileAndBothMagicNumbers() throws IOException {
        Path lab =
                Files.write(
                        dir.resolve("labels-as-images"), idx(0x0801, new int[] {3}, new byte[3]));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> IdxReader.read(lab, 3));
        assertTrue(e.getMessage().contains("labels-as-images"), e.getMessage());
        assertTrue(
                e.getMessage().contains("0x00000801") && e.getMessage().contains("0x00000803"),
                e.getMessage());
    }

    @Test
    void nonByteDataTypeIsRejected() throws IOException {
        Path f = Files.write(dir.resolve("floats"), idx(0x0D03, new int[] {1, 1, 1}, new byte[4]));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> IdxReader.read(f, 3));
        assertTrue(e.getMessage().contains("0x00000D03"), e.getMessage());
    }

    @Test
    void truncatedPlainFileReportsHowManyBytesWereMissing() throws IOException {
        byte[] full = idx(0x0803, new int[] {10, 28, 28}, new byte[10 * 784]);
        Path f = Files.write(dir.resolve("short"), Arrays.copyOf(full, full.length - 100));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> IdxReader.read(f, 3));
        assertTrue(
                e.getMessage().contains("7740 bytes") && e.getMessage().contains("7840 bytes"),
                e.getMessage());
    }

    @Test
    void truncatedGzipFileIsAFormatErrorNotASilentShortRead() throws IOException {
        byte[] gz = gzip(idx(0x0803, new int[] {10, 28, 28}, ramp(10 * 784)));
        Path f = Files.write(dir.resolve("short.gz"), Arrays.copyOf(gz, gz.length / 2));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> IdxReader.read(f, 3));
        assertTrue(e.getMessage().contains("short.gz"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        byte[] full = idx(0x0803, new int[] {10, 28, 28}, new byte[0]);
        Path f = Files.write(dir.resolve("hdr"), Arrays.copyOf(full, 9));
        assertThrows(DatasetFormatException.class, () -> IdxReader.read(f, 3));
    }

    @Test
    void trailingBytesAfterTheDataAreRejected() throws IOException {
        Path f = Files.write(dir.resolve("long"), idx(0x0801, new int[] {3}, new byte[4]));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> IdxReader.read(f, 1));
        assertTrue(e.getMessage().contains("more than 3 bytes"), e.getMessage());
    }

    @Test
    void zeroDimensionIsRejected() throws IOException {
        Path f = Files.write(dir.resolve("zero"), idx(0x0803, new int[] {2, 0, 28}, new byte[0]));
        DatasetFormatException e =
                assertThrows(DatasetFormatException.class, () -> IdxReader.read(f, 3));
        assertTrue(e.getMessage().contains("dimension 1 is 0"), e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        Path img = Files.write(dir.resolve("img"), idx(0x0803, new int[] {3, 2, 2}, new byte[12]));
        Path lab = Files.write(dir.resolve("lab"), idx(0x0801, new int[] {4}, new byte[4]));
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () -> IdxReader.readImages("t", "a", List.of("x"), img, lab));
        assertTrue(e.getMessage().contains("number of labels is 4"), e.getMessage());
    }

    @Test
    void labelOutsideTheClassListIsRejectedWithItsIndex() throws IOException {
        Path img = Files.write(dir.resolve("img"), idx(0x0803, new int[] {2, 1, 1}, new byte[2]));
        Path lab = Files.write(dir.resolve("lab"), idx(0x0801, new int[] {2}, new byte[] {0, 10}));
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () ->
                                IdxReader.readImages(
                                        "t",
                                        "a",
                                        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                                        img,
                                        lab));
        assertTrue(
                e.getMessage().contains("label of item 1 is 10") && e.getMessage().contains("0..9"),
                e.getMessage());
    }
}
