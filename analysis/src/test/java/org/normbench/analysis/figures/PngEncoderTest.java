package org.normbench.analysis.figures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {
    @Test
    void imageIoDecodesExactlyThePixelsThatWereEncoded() throws IOException {
        BufferedImage image = new BufferedImage(37, 11, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 37; x++) {
                image.setRGB(x, y, (x * 7) << 16 | (y * 23) << 8 | ((x * y) & 0xFF));
            }
        }
        byte[] png = PngEncoder.encode(image);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(37, decoded.getWidth());
        assertEquals(11, decoded.getHeight());
        for (int y = 0; y < 11; y++) {
            for (int x = 0; x < 37; x++) {
                assertEquals(image.getRGB(x, y), decoded.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
        assertArrayEquals(png, PngEncoder.encode(image), "same pixels, same bytes");
    }
}
