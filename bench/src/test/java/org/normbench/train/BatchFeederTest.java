package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchFeederTest {

    private static List<BatchFeeder.HostBatch> drain(BatchFeeder f) {
        List<BatchFeeder.HostBatch> out = new ArrayList<>();
        while (f.hasNext()) {
            out.add(f.next());
        }
        return out;
    }

    @Test
    void sameSeedAndEpochGiveTheSameBatchesAndOtherEpochsADifferentOrder() {
        BatchSource src = TestModels.synthetic(50, 1);
        int[] o0 = BatchFeeder.epochOrder(50, 9, 0);
        assertArrayEquals(o0, BatchFeeder.epochOrder(50, 9, 0));
        assertFalse(Arrays.equals(o0, BatchFeeder.epochOrder(50, 9, 1)));
        assertEquals(50, Arrays.stream(o0).distinct().count());
        List<BatchFeeder.HostBatch> a;
        List<BatchFeeder.HostBatch> b;
        try (BatchFeeder f = new BatchFeeder(src, 8, o0, BatchFeeder.epochAugmentation(9, 0), 2)) {
            a = drain(f);
        }
        try (BatchFeeder f = new BatchFeeder(src, 8, o0, BatchFeeder.epochAugmentation(9, 0), 2)) {
            b = drain(f);
        }
        assertEquals(
                6, a.size(), "50 images at batch 8: 6 full batches, the incomplete one dropped");
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).images(), b.get(i).images());
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
        }
    }

    @Test
    void closingMidEpochStopsTheProducerThread() throws Exception {
        BatchSource src = TestModels.synthetic(400, 1);
        BatchFeeder f = new BatchFeeder(src, 4, BatchFeeder.epochOrder(400, 1, 0), null, 2);
        assertTrue(f.hasNext());
        f.next();
        f.close();
        Thread.sleep(50);
        assertTrue(
                Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("normbench-batches") && t.isAlive()),
                "producer thread still alive after close");
    }

    @Test
    void aFailingSourceSurfacesOnTheTrainingThread() {
        BatchSource broken =
                new TestModels.Synthetic(16, 1, 8, 8, 2, 1) {
                    @Override
                    public void assemble(
                            int[] indices, float[] out, int[] labelsOut, SplittableRandom rng) {
                        throw new IllegalStateException("corrupt image 3");
                    }
                };
        try (BatchFeeder f =
                new BatchFeeder(broken, 4, BatchFeeder.epochOrder(16, 1, 0), null, 2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, f::hasNext);
            assertTrue(e.getMessage().contains("corrupt image 3"), e.getMessage());
        }
    }
}
