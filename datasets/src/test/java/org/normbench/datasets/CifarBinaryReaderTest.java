package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {

    static final List<String> CLASSES =
            List.of(
                    "airplane",
                    "automobile",
                    "bird",
                    "cat",
                    "deer",
                    "dog",
                    "frog",
                    "horse",
                    "ship",
                    "truck");

    @TempDir Path dir;

    /**
     * Records whose R, G, B planes are filled with (label*10 + record), +1, +2 and pixel (0,1) of R
     * marked 255.
     */
    static byte[] records(int[] labels) {
        byte[] b = new byte[labels.length * CifarBinaryReader.RECORD_BYTES];
        for (int r = 0; r < labels.length; r++) {
            int off = r * CifarBinaryReader.RECORD_BYTES;
            b[off] = (byte) labels[r];
            for (int c = 0; c < 3; c++) {
                Arrays.fill(
                        b,
                        off + 1 + c * 1024,
                        off + 1 + (c + 1) * 1024,
                        (byte) (labels[r] * 10 + r + c));
            }
            b[off + 1 + 1] = (byte) 255;
        }
        return b;
    }

    @Test
    void readsLabelsAndPlanesOfRecordsAcrossBatchFilesInOrder() throws IOException {
        Path b1 = Files.write(dir.resolve("data_batch_1.bin"), records(new int[] {6, 9}));
        Path b2 = Files.write(dir.resolve("data_batch_2.bin"), records(new int[] {3}));
        ImageDataset ds = CifarBinaryReader.read("cifar", "a", CLASSES, List.of(b1, b2));
        assertEquals(3, ds.size());
        assertEquals(3, ds.channels());
        assertEquals(32, ds.height());
        assertArrayEquals(new int[] {6, 9, 3}, ds.labels());
        assertEquals(91, ds.pixel(1, 0, 5, 5));
        assertEquals(92, ds.pixel(1, 1, 31, 31));
        assertEquals(93, ds.pixel(1, 2, 0, 0));
        assertEquals(255, ds.pixel(1, 0, 0, 1));
        assertEquals(30, ds.pixel(2, 0, 7, 7));
    }

    @Test
    void classNamesComeFromBatchesMeta() throws IOException {
        Path meta =
                Files.writeString(
                        dir.resolve("batches.meta.txt"), String.join("\n", CLASSES) + "\n\n");
        assertEquals(CLASSES, CifarBinaryReader.readClassNames(meta));
    }

    @Test
    void fileThatIsNotAWholeNumberOfRecordsIsRejectedAsTruncated() throws IOException {
        byte[] two = records(new int[] {1, 2});
        Path f = Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(two, two.length - 1));
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () -> CifarBinaryReader.read("c", "a", CLASSES, List.of(f)));
        assertTrue(
                e.getMessage().contains("test_batch.bin")
                        && e.getMessage().contains("6145 bytes")
                        && e.getMessage().contains("3073"),
                e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesTheRecord() throws IOException {
        Path f = Files.write(dir.resolve("b.bin"), records(new int[] {1, 12}));
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () -> CifarBinaryReader.read("c", "a", CLASSES, List.of(f)));
        assertTrue(e.getMessage().contains("label of record 1 is 12"), e.getMessage());
    }
}
