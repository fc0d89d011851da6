package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExtractorTest {

    @TempDir Path dir;

    /** An entry: name, content (null for a folder), link target (for a symbolic link). */
    record E(String name, String content, String symlink) {
        static E file(String name, String content) {
            return new E(name, content, null);
        }

        static E link(String name, String target) {
            return new E(name, null, target);
        }
    }

    static Path tarGz(Path file, List<E> entries) throws IOException {
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (E e : entries) {
                TarArchiveEntry te;
                if (e.symlink() != null) {
                    te = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
                    te.setLinkName(e.symlink());
                    tar.putArchiveEntry(te);
                } else {
                    // preserveAbsolutePath=true so the test can write what an attacker would
                    te = new TarArchiveEntry(e.name(), true);
                    byte[] b = e.content().getBytes(StandardCharsets.UTF_8);
                    te.setSize(b.length);
                    tar.putArchiveEntry(te);
                    tar.write(b);
                }
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    private List<Path> everythingUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).toList();
        }
    }

    @Test
    void extractsFilesAndSafeLinksAndListsFilesWithSizes() throws IOException {
        Path a =
                tarGz(
                        dir.resolve("ok.tar.gz"),
                        List.of(
                                E.file("root/a.txt", "hello"),
                                E.file("root/sub/b.bin", "xyz"),
                                E.link("root/sub/a-link", "../a.txt")));
        Path target = dir.resolve("out");
        List<ArchiveExtractor.Entry> entries = ArchiveExtractor.extract(a, target);
        assertEquals(
                List.of(
                        new ArchiveExtractor.Entry("root/a.txt", 5),
                        new ArchiveExtractor.Entry("root/sub/b.bin", 3)),
                entries);
        assertEquals("hello", Files.readString(target.resolve("root/sub/a-link")));
    }

    @Test
    void dotDotEntryIsRejectedAndNothingIsExtracted() throws IOException {
        Path a =
                tarGz(
                        dir.resolve("evil.tar.gz"),
                        List.of(
                                E.file("root/ok.txt", "fine"),
                                E.file("root/../../escaped.txt", "pwned")));
        Path target = dir.resolve("sub").resolve("out");
        ArchiveExtractor.UnsafeArchiveException e =
                assertThrows(
                        ArchiveExtractor.UnsafeArchiveException.class,
                        () -> ArchiveExtractor.extract(a, target));
        assertTrue(
                e.getMessage().contains("root/../../escaped.txt") && e.getMessage().contains(".."),
                e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("escaped.txt")));
        assertEquals(List.of(), everythingUnder(dir.resolve("sub")), "no temp folder left behind");
    }

    @Test
    void absolutePathEntryIsRejected() throws IOException {
        Path victim = dir.resolve("victim.txt");
        Path a = tarGz(dir.resolve("abs.tar.gz"), List.of(E.file(victim.toString(), "pwned")));
        Path target = dir.resolve("out");
        ArchiveExtractor.UnsafeArchiveException e =
                assertThrows(
                        ArchiveExtractor.UnsafeArchiveException.class,
                        () -> ArchiveExtractor.extract(a, target));
        assertTrue(e.getMessage().contains("absolute path"), e.getMessage());
        assertFalse(Files.exists(victim));
        assertFalse(Files.exists(target));
    }

    @Test
    void symbolicLinkEscapingTheTargetIsRejected() throws IOException {
        Path a = tarGz(dir.resolve("link.tar.gz"), List.of(E.link("root/etc", "../../..")));
        assertThrows(
                ArchiveExtractor.UnsafeArchiveException.class,
                () -> ArchiveExtractor.extract(a, dir.resolve("out")));
        Path b =
                tarGz(dir.resolve("abslink.tar.gz"), List.of(E.link("root/passwd", "/etc/passwd")));
        assertThrows(
                ArchiveExtractor.UnsafeArchiveException.class,
                () -> ArchiveExtractor.extract(b, dir.resolve("out")));
        assertFalse(Files.exists(dir.resolve("out")));
    }
}
