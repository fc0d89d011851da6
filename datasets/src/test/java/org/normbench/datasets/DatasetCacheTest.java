package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCacheTest {

    @TempDir Path root;

    @Test
    void missingDefaultDatasetSaysToRunMakeDatasets() {
        DatasetNotAvailableException e =
                assertThrows(
                        DatasetNotAvailableException.class,
                        () ->
                                DatasetLoader.load(
                                        DatasetRequest.of("fashion-mnist").withCacheDir(root)));
        assertTrue(
                e.getMessage().contains("make datasets")
                        && e.getMessage().contains("train-images-idx3-ubyte.gz missing"),
                e.getMessage());
    }

    @Test
    void missingOtherDatasetNamesItsFetchCommand() {
        DatasetNotAvailableException e =
                assertThrows(
                        DatasetNotAvailableException.class,
                        () -> DatasetLoader.load(DatasetRequest.of("cifar10").withCacheDir(root)));
        assertTrue(e.getMessage().contains("normbench datasets --fetch cifar10"), e.getMessage());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DatasetRegistry.get("cifar-10"));
        assertTrue(
                e.getMessage().contains("cifar10")
                        && e.getMessage().contains("fashion-mnist-subset"),
                e.getMessage());
    }

    @Test
    void tamperedIdxFileIsNotVerified() throws IOException {
        DatasetSpec spec = DatasetRegistry.get("mnist");
        Path dir = Files.createDirectories(spec.dir(root));
        for (String f : DatasetRegistry.IDX_FILES) {
            Files.writeString(dir.resolve(f), "not mnist");
        }
        DatasetCache.Status s = DatasetCache.status(spec, root);
        assertTrue(s.present());
        assertFalse(s.verified());
        assertTrue(
                s.detail()
                        .contains(
                                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                s.detail());
    }

    /** A CIFAR-10 binary archive in miniature: 2 train records per batch, 3 test records. */
    static byte[] miniCifarArchive() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bos))) {
            add(
                    tar,
                    "cifar-10-batches-bin/batches.meta.txt",
                    String.join("\n", CifarBinaryReaderTest.CLASSES)
                            .getBytes(StandardCharsets.US_ASCII));
            for (int b = 1; b <= 5; b++) {
                add(
                        tar,
                        "cifar-10-batches-bin/data_batch_" + b + ".bin",
                        CifarBinaryReaderTest.records(new int[] {b, b + 1}));
            }
            add(
                    tar,
                    "cifar-10-batches-bin/test_batch.bin",
                    CifarBinaryReaderTest.records(new int[] {9, 8, 7}));
        }
        return bos.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    @Test
    void fetchDownloadsVerifiesUnpacksAndMarksAnArchiveDatasetThenDetectsTruncation()
            throws Exception {
        byte[] archive = miniCifarArchive();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
        DatasetSpec real = DatasetRegistry.get("cifar10");
        try (LocalHttpServer server = new LocalHttpServer(archive, archive.length / 3, 1)) {
            DatasetSpec spec =
                    new DatasetSpec(
                            "cifar10",
                            real.description(),
                            real.format(),
                            List.of(
                                    new RemoteFile(
                                            "cifar-10-binary.tar.gz",
                                            List.of(server.url()),
                                            archive.length,
                                            List.of(RemoteFile.Digest.sha256(sha, "test")))),
                            real.extractedRoot(),
                            real.classFolders(),
                            real.classNames(),
                            3,
                            32,
                            32,
                            10,
                            3,
                            real.attribution());
            List<String> log = new ArrayList<>();
            DatasetCache.Status s =
                    DatasetCache.fetch(
                            spec,
                            root,
                            new Downloader(HttpClient.newHttpClient(), 3, log::add),
                            log::add);
            assertTrue(s.verified(), s.detail());
            assertTrue(
                    Files.notExists(root.resolve(".downloads").resolve("cifar-10-binary.tar.gz")),
                    "archive removed after unpacking");
            DatasetLoader.TrainTest tt = DatasetLoader.read(spec, root);
            assertEquals(10, tt.train().size());
            assertArrayEquals(new int[] {9, 8, 7}, tt.test().labels());
            assertEquals(
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
                            "truck"),
                    tt.train().classNames());

            Path batch = root.resolve("cifar10/cifar-10-batches-bin/data_batch_3.bin");
            byte[] b = Files.readAllBytes(batch);
            Files.write(batch, Arrays.copyOf(b, CifarBinaryReader.RECORD_BYTES));
            DatasetCache.Status after = DatasetCache.status(spec, root);
            assertFalse(after.verified());
            assertTrue(after.detail().contains("data_batch_3.bin"), after.detail());

            log.clear();
            DatasetCache.Status repaired =
                    DatasetCache.fetch(
                            spec,
                            root,
                            new Downloader(HttpClient.newHttpClient(), 3, log::add),
                            log::add);
            assertTrue(repaired.verified(), repaired.detail());
            assertEquals(
                    "found a corrupt cache of cifar10 in "
                            + root.resolve("cifar10")
                            + " ("
                            + after.detail()
                            + "); fetching it again to repair it",
                    log.get(0));
        }
    }
}
