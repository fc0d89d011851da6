package org.normbench.analysis.figures;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Minimal PNG writer for opaque TYPE_INT_RGB images: 8-bit RGB, one IDAT chunk, "Up" row filter, no
 * ancillary chunks (so no timestamps: the bytes depend on the pixels only). Exists because
 * ImageIO's writer copies the raster row by row and was a tenth of the report's time on large
 * figures. Not a general encoder (no alpha, palettes or interlacing).
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngEncoder() {}

    static byte[] encode(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            throw new IllegalArgumentException(
                    "PngEncoder needs TYPE_INT_RGB, got type " + image.getType());
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int stride = 1 + 3 * w;
        byte[] raw = new byte[stride * h];
        byte[] previous = new byte[3 * w];
        byte[] current = new byte[3 * w];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < w; x++) {
                int p = pixels[base + x];
                current[3 * x] = (byte) (p >> 16);
                current[3 * x + 1] = (byte) (p >> 8);
                current[3 * x + 2] = (byte) p;
            }
            int row = y * stride;
            raw[row] =
                    2; // filter "Up": difference to the row above; charts are mostly vertical runs
            for (int i = 0; i < current.length; i++) {
                raw[row + 1 + i] = (byte) (current[i] - previous[i]);
            }
            byte[] t = previous;
            previous = current;
            current = t;
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream idat = new ByteArrayOutputStream(raw.length / 8 + 1024);
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 64);
            out.write(SIGNATURE);
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream(13);
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(w);
            d.writeInt(h);
            d.writeByte(8); // bit depth
            d.writeByte(2); // colour type RGB
            d.writeByte(0); // deflate
            d.writeByte(0); // adaptive filtering
            d.writeByte(0); // no interlace
            chunk(out, "IHDR", ihdr.toByteArray());
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
            throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(typeBytes);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
