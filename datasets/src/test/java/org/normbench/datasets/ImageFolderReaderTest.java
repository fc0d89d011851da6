package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {

    @TempDir Path dir;

    /** A w x h PNG: left third red, middle third green, right third blue. */
    static void stripes(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 3, h);
        g.setColor(Color.GREEN);
        g.fillRect(w / 3, 0, w / 3, h);
        g.setColor(Color.BLUE);
        g.fillRect(2 * w / 3, 0, w - 2 * w / 3, h);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void resizesShortSideCentreCropsAndLabelsByFolder() throws IOException {
        Path train = dir.resolve("train");
        // 144 x 48: short side 48 -> 16, width 144 -> 48, the centre crop (columns 16..31) is the
        // green middle third
        stripes(train.resolve("n2/b.png"), 144, 48);
        stripes(train.resolve("n1/a.png"), 48, 48);
        Files.writeString(train.resolve("n1/notes.txt"), "skipped");
        assertEquals(List.of("n1", "n2"), ImageFolderReader.classFolders(train));
        ImageDataset ds =
                ImageFolderReader.read(
                        "folder", "test", List.of("n1", "n2"), List.of("one", "two"), train, 16);
        assertEquals(2, ds.size());
        assertArrayEquals(new int[] {0, 1}, ds.labels());
        assertEquals(List.of("one", "two"), ds.classNames());
        assertEquals(3, ds.channels());
        assertEquals(16, ds.height());
        // image 1 (wide): all green after the centre crop
        for (int x = 0; x < 16; x++) {
            assertEquals(0, ds.pixel(1, 0, 8, x), "red at x=" + x);
            assertEquals(255, ds.pixel(1, 1, 8, x), "green at x=" + x);
        }
        // image 0 (square): red on the left edge, blue on the right edge
        assertEquals(255, ds.pixel(0, 0, 8, 0));
        assertEquals(255, ds.pixel(0, 2, 8, 15));
    }

    @Test
    void undecodableImageIsNamed() throws IOException {
        Path bad = dir.resolve("train/c/broken.jpg");
        Files.createDirectories(bad.getParent());
        Files.writeString(bad, "not a jpeg");
        DatasetFormatException e =
                assertThrows(
                        DatasetFormatException.class,
                        () ->
                                ImageFolderReader.read(
                                        "f",
                                        "t",
                                        List.of("c"),
                                        List.of("c"),
                                        dir.resolve("train"),
                                        8));
        assertTrue(e.getMessage().contains("broken.jpg"), e.getMessage());
    }
}
