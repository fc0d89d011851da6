package org.normbench.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

class ActivationStatsTest {

    /** Values that stress the binning: edges exactly, just below edges, tiny negatives, out of range. */
    private static float[] trickyValues(HistogramSpec spec, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double edge = spec.lower(rng.nextInt(spec.bins() + 1));
            v[i] = switch (i % 6) {
                case 0 -> (float) (rng.nextGaussian() * (spec.max() - spec.min()) / 3);
                case 1 -> (float) edge;
                case 2 -> Math.nextDown((float) edge);
                case 3 -> (float) (-1e-9 * rng.nextDouble());
                case 4 -> (float) (spec.max() + 100 * rng.nextDouble() * (rng.nextBoolean() ? 1 : -1));
                default -> Math.nextUp((float) edge);
            };
        }
        return v;
    }

    private static long[] hostCounts(float[] v, HistogramSpec spec) {
        long[] c = new long[spec.bins()];
        for (float x : v) {
            c[spec.binOf(x)]++;
        }
        return c;
    }

    @Test
    void histogramCountsEqualAHostCountExactly() {
        Engine e = TorchRuntime.engine();
        for (HistogramSpec spec : new HistogramSpec[] {HistogramSpec.defaults(), new HistogramSpec(37, -3.3, 7.1),
                new HistogramSpec(1, 0, 1)}) {
            float[] v = trickyValues(spec, 60_000, spec.bins());
            try (NDManager m = e.newBaseManager()) {
                NDArray x = m.create(v, new Shape(10, 6, 1000));
                double[] dev = ActivationStats.histogram(x, spec).toDoubleArray();
                long[] counts = new long[dev.length];
                for (int k = 0; k < dev.length; k++) {
                    counts[k] = Math.round(dev[k]);
                }
                assertArrayEquals(hostCounts(v, spec), counts, "spec " + spec);
            }
        }
    }

    @Test
    void tinyNegativeValuesStayBelowZeroInTheDefaultRange() {
        HistogramSpec spec = HistogramSpec.defaults();
        assertEquals(19, spec.binOf(-1e-9f));
        assertEquals(20, spec.binOf(0f));
        assertEquals(0, spec.binOf(-1e30f));
        assertEquals(39, spec.binOf(10f));
        assertEquals(-0.5, spec.lower(19), 0);
        assertEquals(10.0, spec.upper(39), 0);
    }

    @Test
    void scalarStatisticsMatchTheirDefinitions() {
        // 2 samples x 3 channels x 2 values; channel 1 is <= 0 everywhere (dead), channel 2 is not
        float[] v = {1, 2, -1, 0, 3, -4,
                     5, -6, -2, -3, 0, 0};
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(var / v.length);
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            double[] s = ActivationStats.summarize(m.create(v, new Shape(2, 3, 2)), HistogramSpec.defaults()).toDoubleArray();
            assertEquals(mean, s[0], 1e-6);
            assertEquals(std, s[1], 1e-6);
            assertEquals(-6, s[2], 0);
            assertEquals(5, s[3], 0);
            assertEquals(8.0 / 12, s[4], 1e-7);
            assertEquals(1.0 / 3, s[5], 1e-7);
            assertEquals(ActivationStats.SCALARS + 40, s.length);
        }
    }

    @Test
    void invalidHistogramSpecsAreRejectedWithTheBadValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HistogramSpec(0, 0, 1));
        assertEquals("histogram bins must be in [1, 256], got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HistogramSpec(40, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new HistogramSpec(40, 0, Double.NaN));
    }
}
