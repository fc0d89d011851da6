package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks against the full Fashion-MNIST in the cache ({@code make datasets}); skipped, with a
 * reason, where it has not been fetched, so a fresh clone's {@code make test} needs no download.
 */
class FullFashionMnistTest {

    static DatasetLoader.TrainTest full;

    @BeforeAll
    static void readIfCached() throws IOException {
        DatasetSpec spec = DatasetRegistry.get(DatasetRegistry.DEFAULT);
        boolean cached = DatasetCache.status(spec, DatasetCache.defaultRoot()).verified();
        assumeTrue(
                cached,
                "full Fashion-MNIST not in "
                        + DatasetCache.defaultRoot()
                        + "; run `make datasets` to enable");
        full = DatasetLoader.read(spec, DatasetCache.defaultRoot());
    }

    @Test
    void hasSixtyThousandTrainTenThousandTestBalancedAndTheKnownFirstTestLabels() {
        assertEquals(60_000, full.train().size());
        assertEquals(10_000, full.test().size());
        int[] train = new int[10];
        Arrays.fill(train, 6_000);
        assertArrayEquals(train, full.train().classCounts());
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, Arrays.copyOf(full.test().labels(), 5));
    }

    @Test
    void subsetGeneratorReproducesTheCommittedSubsetByteForByte(@TempDir Path out)
            throws IOException {
        SubsetGenerator.generate(DatasetCache.defaultRoot(), out);
        try (Stream<Path> files = Files.list(out)) {
            for (Path generated : files.toList()) {
                String name = generated.getFileName().toString();
                try (var in =
                        getClass()
                                .getClassLoader()
                                .getResourceAsStream(
                                        "org/normbench/datasets/fashion-mnist-subset/" + name)) {
                    assertTrue(in != null, name + " is committed");
                    assertArrayEquals(in.readAllBytes(), Files.readAllBytes(generated), name);
                }
            }
        }
    }
}
