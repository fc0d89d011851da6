package org.normbench.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Downloads one {@link RemoteFile} into a cache folder: bytes go to {@code
 * <partialDir>/<name>.part}, an interrupted transfer resumes with an HTTP {@code Range} request,
 * the finished file must match one of the accepted digests, and only then is it moved (atomically)
 * to its final name. A mismatch deletes the partial file and throws an error naming the file, the
 * expected and the actual digest. Not a general HTTP client: one file, sequentially, with a bounded
 * number of attempts.
 */
public final class Downloader {

    private final HttpClient client;
    private final int maxAttempts;
    private final Consumer<String> log;
    private final Duration backoff;

    /** Five attempts per URL, waiting 1 s, 2 s, ... between them. */
    public Downloader(Consumer<String> log) {
        this(
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build(),
                5,
                log,
                Duration.ofSeconds(1));
    }

    /** No wait between attempts (tests). */
    public Downloader(HttpClient client, int maxAttempts, Consumer<String> log) {
        this(client, maxAttempts, log, Duration.ZERO);
    }

    public Downloader(HttpClient client, int maxAttempts, Consumer<String> log, Duration backoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        this.client = client;
        this.maxAttempts = maxAttempts;
        this.log = log;
        this.backoff = backoff;
    }

    /**
     * Makes {@code targetDir/<file name>} a verified copy of {@code file}; returns its path. A
     * target that already verifies is kept as it is.
     *
     * @throws ChecksumMismatchException when the downloaded bytes match no accepted digest (nothing
     *     is left behind)
     * @throws IOException when no URL delivered the file within the attempts (the partial file is
     *     kept for resuming)
     */
    public Path download(RemoteFile file, Path targetDir, Path partialDir) throws IOException {
        Path target = targetDir.resolve(file.fileName());
        if (Files.isRegularFile(target) && Checksums.match(target, file).isPresent()) {
            return target;
        }
        Files.createDirectories(partialDir);
        Path part = partialDir.resolve(file.fileName() + ".part");
        IOException last = null;
        boolean complete = false;
        for (String url : file.urls()) {
            for (int attempt = 1; attempt <= maxAttempts && !complete; attempt++) {
                try {
                    transfer(URI.create(url), part);
                    complete = true;
                } catch (HttpStatusException e) {
                    last = e;
                    log.accept(
                            "download "
                                    + file.fileName()
                                    + ": "
                                    + e.getMessage()
                                    + ", trying the next URL");
                    break;
                } catch (IOException e) {
                    last = e;
                    long have = sizeOf(part);
                    log.accept(
                            "download "
                                    + file.fileName()
                                    + " from "
                                    + url
                                    + ": attempt "
                                    + attempt
                                    + " stopped at "
                                    + have
                                    + " bytes ("
                                    + e
                                    + ")"
                                    + (attempt < maxAttempts
                                            ? have > 0 ? ", resuming" : ", retrying"
                                            : ""));
                    if (attempt < maxAttempts) {
                        pause(attempt);
                    }
                }
            }
            if (complete) {
                break;
            }
        }
        if (!complete) {
            if (sizeOf(part) == 0) {
                Files.deleteIfExists(part);
                deleteIfEmpty(partialDir);
            }
            throw new IOException(
                    "could not download "
                            + file.fileName()
                            + " from "
                            + file.urls()
                            + " after "
                            + maxAttempts
                            + " attempts per URL; "
                            + sizeOf(part)
                            + " bytes kept in "
                            + part
                            + " for the next try"
                            + (last != null ? "; last error: " + last : ""));
        }
        Optional<RemoteFile.Digest> ok = Checksums.match(part, file);
        if (ok.isEmpty()) {
            String actual = Checksums.actualDigests(part, file).toString();
            long size = sizeOf(part);
            Files.deleteIfExists(part);
            deleteIfEmpty(partialDir);
            throw new ChecksumMismatchException(
                    file.fileName()
                            + ": downloaded "
                            + size
                            + " bytes with digest "
                            + actual
                            + ", expected "
                            + file.describeAccepted()
                            + ". The file was deleted; nothing was cached. "
                            + "Retry later or from another network; if it persists the upstream file changed: report it.");
        }
        Files.createDirectories(targetDir);
        Files.move(
                part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteIfEmpty(partialDir);
        return target;
    }

    private void pause(int attempt) throws IOException {
        try {
            Thread.sleep(backoff.toMillis() * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download interrupted", e);
        }
    }

    /**
     * One request; returns when the whole file is in {@code part}, throws when the transfer stopped
     * early.
     */
    private void transfer(URI uri, Path part) throws IOException {
        long have = sizeOf(part);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET();
        if (have > 0) {
            rb.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download interrupted", e);
        }
        int code = resp.statusCode();
        boolean append;
        if (code == 206 && have > 0) {
            String range = resp.headers().firstValue("Content-Range").orElse("");
            if (!range.startsWith("bytes " + have + "-")) {
                resp.body().close();
                throw new IOException(
                        "server answered Range " + have + "- with Content-Range '" + range + "'");
            }
            append = true;
        } else if (code == 200) {
            append = false;
        } else if (code == 416 && have > 0) {
            resp.body().close();
            return;
        } else {
            resp.body().close();
            throw new HttpStatusException("HTTP " + code + " from " + uri);
        }
        try (InputStream in = resp.body();
                OutputStream out =
                        Files.newOutputStream(
                                part,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                append
                                        ? StandardOpenOption.APPEND
                                        : StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(out);
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            // best effort: an empty leftover folder holds no data
        }
    }

    /** The server answered with a status that retrying the same URL will not fix. */
    private static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;

        HttpStatusException(String message) {
            super(message);
        }
    }

    /** The downloaded bytes match none of the published digests. */
    public static final class ChecksumMismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        public ChecksumMismatchException(String message) {
            super(message);
        }
    }
}
