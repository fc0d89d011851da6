package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.datasets.DatasetCache;
import org.normbench.datasets.DatasetRegistry;
import org.normbench.datasets.DatasetSpec;
import org.normbench.engine.BackwardThread;
import org.normbench.model.norms.RunningBatchNormBlock;

/**
 * {@code normbench bench} on a grid that must not run: exit 2, a located message and no stack trace
 * on stderr, and no run directory, for files that are not grids at all and for grids that would
 * fail only once training started.
 */
class BenchCommandValidationTest {

    private static InProcessCli.Outcome bench(Path grid, Path runs) {
        return InProcessCli.run(
                "bench", "--grid", grid.toString(), "--runs-dir", runs.toString(), "--quiet");
    }

    private static void assertRefusedInOneLine(InProcessCli.Outcome o, Path runs, String message) {
        assertRefusedCleanly(o, runs, message);
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().startsWith("normbench bench: "), o.err());
    }

    private static void assertRefusedCleanly(InProcessCli.Outcome o, Path runs, String message) {
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(message), o.err());
        assertFalse(
                o.err().contains("Exception") || o.err().contains("\tat "),
                "a stack trace reached the user:\n" + o.err());
        assertFalse(Files.exists(runs), "a run directory was written");
    }

    @Test
    void aGridOnADatasetThatIsNotFetchedIsRefusedBeforeAnythingRuns(@TempDir Path dir)
            throws Exception {
        DatasetSpec mnist = DatasetRegistry.get("mnist");
        Path cache = DatasetCache.defaultRoot();
        Assumptions.assumeFalse(
                DatasetCache.status(mnist, cache).verified(),
                "mnist is fetched in " + cache + " here; this test needs a machine without it");
        Path grid = dir.resolve("g.yaml");
        Files.writeString(
                grid,
                String.join(
                        "\n",
                        "name: needs-mnist",
                        "dataset: mnist",
                        "train:",
                        "  width: 0.125",
                        "  norms: [bn]",
                        "  activations: [relu]",
                        "  batch_sizes: [8]",
                        "  steps: 2",
                        ""));

        assertRefusedInOneLine(
                bench(grid, dir.resolve("runs")),
                dir.resolve("runs"),
                "nothing was run: dataset mnist is not available in " + mnist.dir(cache) + " (");
    }

    @Test
    void anUnknownRbnFuseSettingIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        assertSettingRefused(
                dir,
                RunningBatchNormBlock.FUSE_PROPERTY,
                "always",
                "-Dnormbench.rbn.fuse=always: allowed values are gpu, on, off");
    }

    @Test
    void anUnknownBackwardThreadSettingIsRefusedBeforeAnythingRuns(@TempDir Path dir)
            throws Exception {
        assertSettingRefused(
                dir,
                BackwardThread.PROPERTY,
                "device",
                "-Dnormbench.backward.thread=device: allowed values are cell, autograd");
    }

    /**
     * cpu-smoke with the system property {@code key} set to {@code value}: refused, nothing run.
     */
    private static void assertSettingRefused(Path dir, String key, String value, String message)
            throws Exception {
        System.setProperty(key, value);
        try {
            assertRefusedInOneLine(
                    bench(Path.of("grids/cpu-smoke.yaml").toAbsolutePath(), dir.resolve("runs")),
                    dir.resolve("runs"),
                    message);
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void aBinaryGridIsRefusedWithOneLocatedLine(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("g.yaml");
        Files.write(grid, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13});

        assertRefusedInOneLine(
                bench(grid, dir.resolve("runs")),
                dir.resolve("runs"),
                "nothing was run: " + grid + ":1:5: binary file (a NUL byte at byte offset 4)");
    }

    @Test
    void aLatin1GridIsRefusedWithOneLocatedLine(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("g.yaml");
        Files.write(grid, "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertRefusedInOneLine(
                bench(grid, dir.resolve("runs")),
                dir.resolve("runs"),
                "nothing was run: " + grid + ":1:10: not UTF-8 text: byte 0xE9");
    }

    @Test
    void aFiveMegabyteSingleLineFileIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("g.yaml");
        Files.writeString(grid, "x".repeat(5 * 1024 * 1024));

        assertRefusedInOneLine(
                bench(grid, dir.resolve("runs")),
                dir.resolve("runs"),
                "nothing was run: "
                        + grid
                        + ":1:1: file is 5242880 bytes; a grid file is at most 65536 bytes");
    }

    @Test
    void aDirectoryGivenAsTheGridIsRefused(@TempDir Path dir) throws Exception {
        assertRefusedInOneLine(
                bench(dir, dir.resolve("runs")),
                dir.resolve("runs"),
                "normbench bench: cannot read grid file " + dir);
    }

    @Test
    void problemsThatWouldOnlyShowAtRunTimeAreRefusedBeforeAnythingRuns(@TempDir Path dir)
            throws Exception {
        Path grid = dir.resolve("g.yaml");
        Files.writeString(
                grid,
                """
                dataset: fashion-mnist-subset
                norms: [groupnorm]
                activations: [relu]
                batch_sizes: [4096]
                width: 1e-9
                train:
                  epochs: 1e308
                  hooks:
                    layers: "layr*"
                """);

        InProcessCli.Outcome o = bench(grid, dir.resolve("runs"));

        assertRefusedCleanly(o, dir.resolve("runs"), "the grid has 5 problem(s); nothing was run");
        assertTrue(o.err().contains("did you mean 'gn'?"), o.err());
        assertTrue(
                o.err().contains("batch size 4096 is more than the 1000 training images"), o.err());
        assertTrue(
                o.err()
                        .contains(
                                "pattern 'layr*' matches no layer of the model; available: stem, layer1.0"),
                o.err());
    }
}
