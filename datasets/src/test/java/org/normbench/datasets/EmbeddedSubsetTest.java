package org.normbench.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The committed subset loads from the classpath with no cache and no network. */
class EmbeddedSubsetTest {

    private static DatasetRequest request() {
        // a cache folder that does not exist proves nothing is read from disk
        return DatasetRequest.of(DatasetRegistry.EMBEDDED_SUBSET)
                .withCacheDir(Path.of("/nonexistent/normbench-cache"));
    }

    @Test
    void loadsWithoutFetchWithKnownFirstLabelsAndBalancedClasses() throws Exception {
        DatasetLoader.TrainTest tt =
                DatasetLoader.read(
                        DatasetRegistry.get(DatasetRegistry.EMBEDDED_SUBSET),
                        Path.of("/nonexistent"));
        assertEquals(1000, tt.train().size());
        assertEquals(200, tt.test().size());
        int[] tenOf100 = new int[10];
        Arrays.fill(tenOf100, 100);
        assertArrayEquals(tenOf100, tt.train().classCounts());
        int[] tenOf20 = new int[10];
        Arrays.fill(tenOf20, 20);
        assertArrayEquals(tenOf20, tt.test().classCounts());
        // recorded when the subset was generated
        // (datasets/src/main/resources/.../fashion-mnist-subset/indices.txt)
        assertArrayEquals(new int[] {8, 5, 5, 6, 6}, Arrays.copyOf(tt.train().labels(), 5));
        assertArrayEquals(new int[] {1, 7, 4, 6, 1}, Arrays.copyOf(tt.test().labels(), 5));
        assertEquals("T-shirt/top", tt.train().classNames().get(0));
        assertTrue(
                tt.train().attribution().contains("Zalando SE")
                        && tt.train().attribution().contains("MIT"));
        assertEquals(1, tt.train().channels());
        assertEquals(28, tt.train().height());
    }

    @Test
    void loaderSplitsValidationStratifiedAndRecordsStemFittedStatistics() {
        DatasetSplits s = DatasetLoader.load(request());
        assertEquals(900, s.train().size());
        assertEquals(100, s.validation().size());
        assertEquals(200, s.test().size());
        int[] ten = new int[10];
        Arrays.fill(ten, 10);
        assertArrayEquals(ten, s.validation().classCounts());
        assertEquals(3, s.channelMean().length, "fitted to the CIFAR stem: 3 channels");
        float m = s.channelMean()[0];
        assertEquals(m, s.channelMean()[2]);
        // Fashion-MNIST's mean is about 0.286 at 28x28; zero padding to 32x32 scales it by 784/1024
        assertEquals(0.286 * 784 / 1024, m, 0.02);
        assertTrue(s.channelStd()[0] > 0.25 && s.channelStd()[0] < 0.4, "std " + s.channelStd()[0]);
    }

    @Test
    void withoutTheStemFitStatisticsHaveOneChannelAndTheUnpaddedMean() {
        DatasetSplits s =
                DatasetLoader.load(request().withFitCifarStem(false).withValidationFraction(0));
        assertEquals(1, s.channelMean().length);
        assertEquals(0, s.validation().size());
        assertEquals(0.286, s.channelMean()[0], 0.02);
    }

    @Test
    void limitsAreStratifiedAndSeeded() {
        DatasetSplits a =
                DatasetLoader.load(
                        request().withLimits(200, 50).withValidationFraction(0.5).withSeed(3));
        DatasetSplits b =
                DatasetLoader.load(
                        request().withLimits(200, 50).withValidationFraction(0.5).withSeed(3));
        assertEquals(100, a.train().size());
        assertEquals(100, a.validation().size());
        assertEquals(50, a.test().size());
        int[] ten = new int[10];
        Arrays.fill(ten, 10);
        assertArrayEquals(ten, a.train().classCounts());
        assertArrayEquals(bytes(a.train()), bytes(b.train()));
        DatasetSplits c =
                DatasetLoader.load(
                        request().withLimits(200, 50).withValidationFraction(0.5).withSeed(4));
        assertFalse(
                Arrays.equals(bytes(a.train()), bytes(c.train())),
                "another seed picks other images");
    }

    private static byte[] bytes(ImageDataset ds) {
        byte[] b = new byte[ds.pixels().remaining()];
        ds.pixels().get(b);
        return b;
    }
}
