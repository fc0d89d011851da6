package org.normbench.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The on-disk dataset cache: {@code $NORMBENCH_DATA} (default {@code ~/.cache/normbench}), one
 * folder per dataset. Says whether a dataset is present and verified, and fetches it. Single files
 * (IDX) are verified by their digests every time; an unpacked archive by the marker {@value
 * #MARKER} written after its archive's digest passed, listing every unpacked file and its size
 * (catches truncation and deletion without re-reading gigabytes). Not thread-safe across processes
 * fetching the same dataset.
 */
public final class DatasetCache {

    /**
     * Written into an unpacked archive's folder once the archive verified and unpacked completely.
     */
    public static final String MARKER = ".normbench-verified";

    private DatasetCache() {}

    /** {@code $NORMBENCH_DATA}, else {@code ~/.cache/normbench}. */
    public static Path defaultRoot() {
        String env = System.getenv("NORMBENCH_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "normbench");
    }

    /** A dataset's state in the cache. {@code bytes} counts what is on disk now. */
    public record Status(boolean present, boolean verified, long bytes, String detail) {}

    /**
     * Checks a dataset's files in the cache (hashes IDX files; reads the marker of an unpacked
     * archive).
     */
    public static Status status(DatasetSpec spec, Path root) throws IOException {
        switch (spec.format()) {
            case IDX_RESOURCE:
                {
                    long bytes = 0;
                    for (String f : DatasetRegistry.IDX_FILES) {
                        try (InputStream in = DatasetLoader.resource(spec, f)) {
                            bytes += in.transferTo(OutputStream.nullOutputStream());
                        }
                    }
                    return new Status(
                            true,
                            true,
                            bytes,
                            "on the classpath (" + DatasetLoader.resourceDir(spec) + ")");
                }
            case IDX:
                {
                    Path dir = spec.dir(root);
                    long bytes = 0;
                    List<String> problems = new ArrayList<>();
                    boolean present = true;
                    for (RemoteFile f : spec.files()) {
                        Path p = dir.resolve(f.fileName());
                        if (!Files.isRegularFile(p)) {
                            present = false;
                            problems.add(f.fileName() + " missing");
                            continue;
                        }
                        bytes += Files.size(p);
                        if (Checksums.match(p, f).isEmpty()) {
                            problems.add(
                                    f.fileName()
                                            + " digest "
                                            + Checksums.actualDigests(p, f)
                                            + " matches none of "
                                            + f.describeAccepted());
                        }
                    }
                    return new Status(
                            present,
                            problems.isEmpty(),
                            bytes,
                            problems.isEmpty()
                                    ? "all "
                                            + spec.files().size()
                                            + " files match their published SHA-256"
                                    : String.join("; ", problems));
                }
            default:
                {
                    Path dir = spec.dir(root);
                    Path marker = dir.resolve(MARKER);
                    if (!Files.isDirectory(dir)) {
                        return new Status(false, false, 0, "not fetched");
                    }
                    if (!Files.isRegularFile(marker)) {
                        return new Status(
                                true,
                                false,
                                treeSize(dir),
                                "no " + MARKER + " marker (interrupted unpack?); fetch again");
                    }
                    long bytes = 0;
                    for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
                        if (line.startsWith("#") || line.isBlank()) {
                            continue;
                        }
                        int sp = line.indexOf(' ');
                        long size = Long.parseLong(line.substring(0, sp));
                        Path p = dir.resolve(line.substring(sp + 1));
                        if (!Files.isRegularFile(p) || Files.size(p) != size) {
                            return new Status(
                                    true,
                                    false,
                                    treeSize(dir),
                                    p + " missing or not " + size + " bytes; fetch again");
                        }
                        bytes += size;
                    }
                    return new Status(
                            true,
                            true,
                            bytes,
                            "archive SHA-256 verified at fetch; all unpacked files present with their sizes");
                }
        }
    }

    /** Throws, naming the command to run, unless the dataset is verified in the cache. */
    public static void requireVerified(DatasetSpec spec, Path root) {
        Status s;
        try {
            s = status(spec, root);
        } catch (IOException e) {
            throw new DatasetNotAvailableException(
                    "cannot check dataset " + spec.name() + " in " + spec.dir(root) + ": " + e, e);
        }
        if (!s.verified()) {
            throw new DatasetNotAvailableException(
                    "dataset "
                            + spec.name()
                            + " is not available in "
                            + spec.dir(root)
                            + " ("
                            + s.detail()
                            + "). Run "
                            + fetchCommand(spec)
                            + (root.equals(defaultRoot()) ? "" : " with NORMBENCH_DATA=" + root)
                            + ".");
        }
    }

    /** What a user runs to get this dataset. */
    public static String fetchCommand(DatasetSpec spec) {
        return spec.name().equals(DatasetRegistry.DEFAULT)
                ? "`make datasets`"
                : "`bench/bin/normbench datasets --fetch " + spec.name() + "`";
    }

    /**
     * Downloads (resuming), verifies and, for archives, unpacks the dataset into the cache. Does
     * nothing for a dataset that already verifies.
     */
    public static Status fetch(
            DatasetSpec spec, Path root, Downloader downloader, Consumer<String> log)
            throws IOException {
        Status before = status(spec, root);
        if (spec.format() == DatasetSpec.Format.IDX_RESOURCE || before.verified()) {
            return before;
        }
        if (before.present()) {
            log.accept(
                    "found a corrupt cache of "
                            + spec.name()
                            + " in "
                            + spec.dir(root)
                            + " ("
                            + before.detail()
                            + "); fetching it again to repair it");
        }
        Path partial = root.resolve(".partial");
        if (spec.format() == DatasetSpec.Format.IDX) {
            for (RemoteFile f : spec.files()) {
                log.accept(
                        "fetching "
                                + f.fileName()
                                + " ("
                                + f.size()
                                + " bytes) from "
                                + f.urls().get(0));
                downloader.download(f, spec.dir(root), partial);
            }
            return status(spec, root);
        }
        RemoteFile archiveFile = spec.files().get(0);
        Path downloads = root.resolve(".downloads");
        log.accept(
                "fetching "
                        + archiveFile.fileName()
                        + " ("
                        + archiveFile.size()
                        + " bytes) from "
                        + archiveFile.urls().get(0));
        Path archive = downloader.download(archiveFile, downloads, partial);
        Path dir = spec.dir(root);
        ArchiveExtractor.deleteTree(dir);
        log.accept("unpacking " + archive + " into " + dir);
        List<ArchiveExtractor.Entry> entries = ArchiveExtractor.extract(archive, dir);
        StringBuilder sb =
                new StringBuilder(
                        "# unpacked from "
                                + archiveFile.fileName()
                                + ", "
                                + Checksums.match(archive, archiveFile)
                                        .map(d -> d.algorithm() + " " + d.hex())
                                        .orElse("?")
                                + "\n");
        for (ArchiveExtractor.Entry e : entries) {
            sb.append(e.size()).append(' ').append(e.path()).append('\n');
        }
        Path tmp = dir.resolve(MARKER + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE);
        Files.delete(archive);
        return status(spec, root);
    }

    private static long treeSize(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
