package org.normbench.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks a tar or tar.gz archive safely: every entry name must be relative and stay inside the
 * target (no absolute paths, no {@code ..} segments), symbolic and hard links must point inside it
 * too, and only files, folders and such links are allowed. Everything is unpacked into a temporary
 * sibling of the target and renamed into place, so a rejected or interrupted archive leaves nothing
 * behind.
 */
public final class ArchiveExtractor {

    private ArchiveExtractor() {}

    /** One unpacked regular file: its path relative to the target and its size. */
    public record Entry(String path, long size) {}

    /**
     * Unpacks {@code archive} (gzip detected by magic) into {@code target}, which must not exist
     * yet.
     *
     * @throws UnsafeArchiveException naming the archive, the entry and why it was refused
     */
    public static List<Entry> extract(Path archive, Path target) throws IOException {
        if (Files.exists(target)) {
            throw new IOException(
                    "extraction target " + target + " already exists; remove it first");
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".tmp-" + target.getFileName() + "-");
        try {
            List<Entry> entries = unpack(archive, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return entries;
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static List<Entry> unpack(Path archive, Path root) throws IOException {
        Path realRoot = root.toRealPath();
        List<Entry> entries = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(maybeGunzip(raw))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String name = e.getName();
                Path dest = safeResolve(archive, realRoot, name, name);
                if (e.isDirectory()) {
                    Files.createDirectories(dest);
                } else if (e.isSymbolicLink()) {
                    String link = e.getLinkName();
                    if (link.startsWith("/") || Path.of(link).isAbsolute()) {
                        throw new UnsafeArchiveException(
                                archive, name, "symbolic link to absolute path " + link);
                    }
                    Path resolved = dest.getParent().resolve(link).normalize();
                    if (!resolved.startsWith(realRoot)) {
                        throw new UnsafeArchiveException(
                                archive,
                                name,
                                "symbolic link " + link + " escapes the target folder");
                    }
                    Files.createDirectories(dest.getParent());
                    Files.createSymbolicLink(dest, Path.of(link));
                } else if (e.isLink()) {
                    Path linked = safeResolve(archive, realRoot, e.getLinkName(), name);
                    if (!Files.isRegularFile(linked, LinkOption.NOFOLLOW_LINKS)) {
                        throw new UnsafeArchiveException(
                                archive,
                                name,
                                "hard link to "
                                        + e.getLinkName()
                                        + ", which is not an earlier regular file");
                    }
                    Files.createDirectories(dest.getParent());
                    Files.copy(linked, dest);
                    entries.add(new Entry(realRoot.relativize(dest).toString(), Files.size(dest)));
                } else if (e.isFile()) {
                    Files.createDirectories(dest.getParent());
                    // a path through a symbolic link unpacked earlier could still point outside
                    if (!dest.getParent().toRealPath().startsWith(realRoot)) {
                        throw new UnsafeArchiveException(
                                archive,
                                name,
                                "path goes through a link outside the target folder");
                    }
                    Files.copy(tar, dest);
                    entries.add(new Entry(realRoot.relativize(dest).toString(), Files.size(dest)));
                } else {
                    throw new UnsafeArchiveException(
                            archive,
                            name,
                            "entry type not allowed (only files, folders and links)");
                }
            }
        }
        return entries;
    }

    private static Path safeResolve(Path archive, Path root, String name, String entryName)
            throws UnsafeArchiveException {
        if (name.isEmpty()
                || name.startsWith("/")
                || name.startsWith("\\")
                || name.matches("^[A-Za-z]:.*")) {
            throw new UnsafeArchiveException(archive, entryName, "absolute path " + name);
        }
        for (String seg : name.split("[/\\\\]")) {
            if (seg.equals("..")) {
                throw new UnsafeArchiveException(archive, entryName, "'..' segment in " + name);
            }
        }
        Path dest = root.resolve(name).normalize();
        if (!dest.startsWith(root)
                || dest.equals(root) && !name.equals("./") && !name.equals(".")) {
            throw new UnsafeArchiveException(
                    archive, entryName, "path " + name + " resolves outside the target folder");
        }
        return dest;
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b
                ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16)
                : in;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(
                dir,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException exc)
                            throws IOException {
                        Files.delete(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }

    /** An archive entry that would write outside the target, or of a type that is not allowed. */
    public static final class UnsafeArchiveException extends IOException {
        private static final long serialVersionUID = 1L;

        public UnsafeArchiveException(Path archive, String entry, String why) {
            super(archive + ": entry '" + entry + "' refused: " + why + "; nothing was extracted");
        }
    }
}
