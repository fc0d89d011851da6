package org.normbench.datasets;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads an image-folder split (Imagenette style: {@code <split>/<class>/<image>}), decoding each
 * file with {@code javax.imageio}, resizing its short side to {@code size} (bilinear) and cutting
 * the centred {@code size x size} square, as RGB planes. Class {@code i} is sub-folder {@code
 * folders[i]} (pass the same list for train and validation so labels agree). Not for huge sets:
 * everything is held in memory.
 */
public final class ImageFolderReader {

    private ImageFolderReader() {}

    /** Sorted names of the class sub-folders of {@code splitDir}. */
    public static List<String> classFolders(Path splitDir) throws IOException {
        if (!Files.isDirectory(splitDir)) {
            throw new DatasetFormatException(
                    splitDir, "directory", "missing", "a folder with one sub-folder per class");
        }
        try (Stream<Path> s = Files.list(splitDir)) {
            List<String> names =
                    s.filter(Files::isDirectory)
                            .map(p -> p.getFileName().toString())
                            .sorted()
                            .toList();
            if (names.isEmpty()) {
                throw new DatasetFormatException(splitDir, "class sub-folders", 0, "at least one");
            }
            return names;
        }
    }

    /**
     * Reads every image under {@code splitDir/<folder>/} for the given class folders, in class then
     * file-name order, labelled with {@code classNames} (same order). Files whose names do not end
     * in an image suffix are skipped; a file that ImageIO cannot decode is an error naming it.
     */
    public static ImageDataset read(
            String name,
            String attribution,
            List<String> folders,
            List<String> classNames,
            Path splitDir,
            int size)
            throws IOException {
        if (folders.size() != classNames.size()) {
            throw new IllegalArgumentException(
                    folders.size() + " class folders but " + classNames.size() + " class names");
        }
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        for (int c = 0; c < folders.size(); c++) {
            Path dir = splitDir.resolve(folders.get(c));
            if (!Files.isDirectory(dir)) {
                throw new DatasetFormatException(
                        dir, "class folder", "missing", "one folder per class " + folders);
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(ImageFolderReader::isImage).sorted().toList()) {
                    files.add(p);
                    labelList.add(c);
                }
            }
        }
        int plane = size * size;
        byte[] pixels = new byte[Math.multiplyExact(files.size(), 3 * plane)];
        int[] labels = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            BufferedImage img;
            try {
                img = ImageIO.read(files.get(i).toFile());
            } catch (IOException e) {
                // e.g. a CMYK JPEG, which javax.imageio cannot decode: name the file instead of a
                // bare codec error
                throw new DatasetFormatException(
                        files.get(i),
                        "image",
                        "not decodable by javax.imageio (" + e.getMessage() + ")",
                        "an RGB or grey JPEG, PNG, BMP or GIF file");
            }
            if (img == null) {
                throw new DatasetFormatException(
                        files.get(i),
                        "image",
                        "not decodable by javax.imageio",
                        "a JPEG, PNG, BMP or GIF file");
            }
            toPlanes(resizeAndCrop(img, size), pixels, i * 3 * plane);
            labels[i] = labelList.get(i);
        }
        return new ImageDataset(name, attribution, classNames, 3, size, size, pixels, labels);
    }

    /** Number of image files per class folder, without decoding them (for listings). */
    public static int[] countImages(Path splitDir, List<String> folders) throws IOException {
        int[] counts = new int[folders.size()];
        for (int c = 0; c < folders.size(); c++) {
            Path d = splitDir.resolve(folders.get(c));
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    counts[c] = (int) s.filter(ImageFolderReader::isImage).count();
                }
            }
        }
        return counts;
    }

    /** Resizes so the short side is {@code size}, then crops the centred square. */
    static BufferedImage resizeAndCrop(BufferedImage src, int size) {
        int w = src.getWidth();
        int h = src.getHeight();
        double scale = (double) size / Math.min(w, h);
        int rw = Math.max(size, (int) Math.round(w * scale));
        int rh = Math.max(size, (int) Math.round(h * scale));
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, -(rw - size) / 2, -(rh - size) / 2, rw, rh, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void toPlanes(BufferedImage img, byte[] dst, int offset) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int p = 0; p < plane; p++) {
            int v = rgb[p];
            dst[offset + p] = (byte) (v >>> 16);
            dst[offset + plane + p] = (byte) (v >>> 8);
            dst[offset + 2 * plane + p] = (byte) v;
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p)
                && (n.endsWith(".jpeg")
                        || n.endsWith(".jpg")
                        || n.endsWith(".png")
                        || n.endsWith(".bmp")
                        || n.endsWith(".gif"));
    }
}
