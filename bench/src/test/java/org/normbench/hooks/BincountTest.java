package org.normbench.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

class BincountTest {

    private static long[] randomIndices(int n, int slots, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] idx = new long[n];
        for (int i = 0; i < n; i++) {
            // skewed: most values in a few slots, like ReLU outputs in a histogram
            idx[i] = rng.nextInt(4) == 0 ? rng.nextInt(slots) : rng.nextInt(Math.min(3, slots));
        }
        return idx;
    }

    private static double[] hostCounts(long[] idx, int slots) {
        double[] c = new double[slots];
        for (long i : idx) {
            c[(int) i]++;
        }
        return c;
    }

    @Test
    void countsEqualAHostCountExactly() {
        Engine e = TorchRuntime.engine();
        for (int slots : new int[] {1, 40, 257}) {
            long[] idx = randomIndices(200_003, slots, slots);
            try (NDManager m = e.newBaseManager()) {
                double[] c = Bincount.of(m.create(idx), slots).toDoubleArray();
                assertArrayEquals(hostCounts(idx, slots), c, 0, "slots " + slots);
            }
        }
    }

    /**
     * Hooks run inside the training step's GradientCollector: counting there must stay exact, keep
     * grad mode on, and leave the step's own graph and gradients untouched.
     */
    @Test
    void insideAnOpenGradientCollectorTheStepsGradientsAndGradModeSurvive() {
        Engine e = TorchRuntime.engine();
        long[] idx = randomIndices(10_000, 40, 3);
        try (NDManager m = e.newBaseManager()) {
            NDArray p = m.create(new float[] {1f, 2f, 3f});
            p.setRequiresGradient(true);
            NDArray x = m.create(new float[] {4f, 5f, 6f});
            try (GradientCollector gc = e.newGradientCollector()) {
                NDArray y = p.mul(x).sum();
                double[] c = Bincount.of(m.create(idx), 40).toDoubleArray();
                assertArrayEquals(hostCounts(idx, 40), c, 0);
                assertTrue(
                        JniUtils.isGradMode(), "grad mode must stay on for the rest of the step");
                gc.backward(y);
            }
            assertArrayEquals(new float[] {4f, 5f, 6f}, p.getGradient().toFloatArray());
        }
        assertFalse(JniUtils.isGradMode(), "grad mode restored to off outside the collector");
    }

    @Test
    void onlyTheCountVectorStaysAttachedToTheCallersManager() {
        Engine e = TorchRuntime.engine();
        try (NDManager m = e.newBaseManager()) {
            NDArray idx = m.create(randomIndices(1000, 40, 5));
            int before = ((PtNDManager) m).getManagedArrays().size();
            NDArray c = Bincount.of(idx, 40);
            assertEquals(before + 1, ((PtNDManager) m).getManagedArrays().size());
            assertEquals(new Shape(40), c.getShape());
        }
    }
}
