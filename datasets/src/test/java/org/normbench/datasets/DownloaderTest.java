package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {

    @TempDir Path cache;

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        new SplittableRandom(1).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static RemoteFile remote(String url, String sha) {
        return new RemoteFile(
                "data.bin", List.of(url), -1, List.of(RemoteFile.Digest.sha256(sha, "test")));
    }

    private Downloader downloader(List<String> log) {
        return new Downloader(HttpClient.newHttpClient(), 4, log::add);
    }

    private static List<Path> regularFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void resumesWithARangeRequestAfterTheConnectionDrops() throws Exception {
        byte[] body = payload(300_000);
        try (LocalHttpServer server = new LocalHttpServer(body, 100_000, 2)) {
            List<String> log = new ArrayList<>();
            Path got =
                    downloader(log)
                            .download(
                                    remote(server.url(), sha256(body)),
                                    cache.resolve("ds"),
                                    cache.resolve(".partial"));
            assertArrayEquals(body, Files.readAllBytes(got));
            assertEquals(
                    3,
                    server.rangeHeaders.size(),
                    "two dropped transfers, then the rest: " + server.rangeHeaders);
            assertEquals("", server.rangeHeaders.get(0));
            assertTrue(
                    server.rangeHeaders.get(1).matches("bytes=\\d+-")
                            && !server.rangeHeaders.get(1).equals("bytes=0-"),
                    "second request resumes: " + server.rangeHeaders);
            assertEquals(2, log.size(), "each drop is logged: " + log);
            assertEquals(List.of(got), regularFiles(cache), "no partial file left behind");
        }
    }

    @Test
    void checksumMismatchIsRejectedAndLeavesNothingInTheCache() throws Exception {
        byte[] body = payload(50_000);
        String wrong = sha256(new byte[] {1});
        try (LocalHttpServer server = new LocalHttpServer(body, 0, 0)) {
            Downloader.ChecksumMismatchException e =
                    assertThrows(
                            Downloader.ChecksumMismatchException.class,
                            () ->
                                    downloader(new ArrayList<>())
                                            .download(
                                                    remote(server.url(), wrong),
                                                    cache.resolve("ds"),
                                                    cache.resolve(".partial")));
            assertTrue(
                    e.getMessage().contains("data.bin")
                            && e.getMessage().contains(wrong)
                            && e.getMessage().contains(sha256(body)),
                    "names file, expected and actual digest: " + e.getMessage());
            assertEquals(List.of(), regularFiles(cache));
            assertTrue(Files.notExists(cache.resolve("ds").resolve("data.bin")));
        }
    }

    @Test
    void anAlreadyVerifiedTargetIsNotDownloadedAgain() throws Exception {
        byte[] body = payload(1000);
        try (LocalHttpServer server = new LocalHttpServer(body, 0, 0)) {
            RemoteFile f = remote(server.url(), sha256(body));
            downloader(new ArrayList<>()).download(f, cache, cache.resolve(".partial"));
            downloader(new ArrayList<>()).download(f, cache, cache.resolve(".partial"));
            assertEquals(1, server.rangeHeaders.size());
        }
    }

    @Test
    void givingUpKeepsThePartialFileForTheNextRun() throws Exception {
        byte[] body = payload(100_000);
        try (LocalHttpServer server = new LocalHttpServer(body, 10_000, 100)) {
            RemoteFile f = remote(server.url(), sha256(body));
            IOException e =
                    assertThrows(
                            IOException.class,
                            () ->
                                    new Downloader(HttpClient.newHttpClient(), 2, s -> {})
                                            .download(
                                                    f,
                                                    cache.resolve("ds"),
                                                    cache.resolve(".partial")));
            assertTrue(e.getMessage().contains("20000 bytes kept"), e.getMessage());
            assertEquals(20_000, Files.size(cache.resolve(".partial").resolve("data.bin.part")));
        }
    }
}
