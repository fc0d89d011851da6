package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code datasets/scripts/fetch-embedded.sh} (run by {@code make bench}) says when it found a
 * corrupt cache and that it repaired it, naming the file. It repairs from a verified copy standing
 * in for Debian's installed package, so the test needs the real Fashion-MNIST files in the user's
 * cache (skipped, with the reason, where they are not there).
 */
class FetchEmbeddedScriptTest {

    private static Path verifiedCopy() throws IOException {
        Path cached = DatasetCache.defaultRoot().resolve(DatasetRegistry.DEFAULT);
        Assumptions.assumeTrue(
                DatasetCache.status(
                                DatasetRegistry.get(DatasetRegistry.DEFAULT),
                                DatasetCache.defaultRoot())
                        .verified(),
                "needs a verified Fashion-MNIST in " + cached + " (make datasets)");
        return cached;
    }

    private static Path script() {
        Path fromModule = Path.of("scripts", "fetch-embedded.sh");
        return Files.isRegularFile(fromModule)
                ? fromModule
                : Path.of("datasets", "scripts", "fetch-embedded.sh");
    }

    @Test
    void aCorruptFileIsNamedAndTheRepairIsReported(@TempDir Path tmp) throws Exception {
        Path system = verifiedCopy();
        Path dest = tmp.resolve("data").resolve(DatasetRegistry.DEFAULT);
        Files.createDirectories(dest);
        for (String f : DatasetRegistry.IDX_FILES) {
            Files.copy(system.resolve(f), dest.resolve(f));
        }
        Files.writeString(dest.resolve("t10k-labels-idx1-ubyte.gz"), "cut off by a full disk");

        ProcessBuilder pb =
                new ProcessBuilder("bash", script().toString()).redirectErrorStream(true);
        pb.environment().put("NORMBENCH_DATA", tmp.resolve("data").toString());
        pb.environment().put("NORMBENCH_FMNIST_SYSTEM_DIR", system.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(0, p.waitFor(), output);
        List<String> lines = output.lines().toList();
        assertEquals(2, lines.size(), output);
        assertTrue(
                lines.get(0)
                        .startsWith(
                                "fetch-embedded: found a corrupt cache in "
                                        + dest
                                        + ": t10k-labels-idx1-ubyte.gz (SHA-256 "),
                output);
        assertTrue(lines.get(0).endsWith("); repairing it"), output);
        assertEquals(
                "fetch-embedded: repaired the corrupt cache in "
                        + dest
                        + " (from installed package dataset-fashion-mnist)",
                lines.get(1));
        assertTrue(
                DatasetCache.status(
                                DatasetRegistry.get(DatasetRegistry.DEFAULT), tmp.resolve("data"))
                        .verified());
    }
}
