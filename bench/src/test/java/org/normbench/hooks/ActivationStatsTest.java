package org.normbench.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

class ActivationStatsTest {

    /**
     * Values that stress the binning: edges exactly, just below edges, tiny negatives, out of
     * range.
     */
    private static float[] trickyValues(HistogramSpec spec, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double edge = spec.lower(rng.nextInt(spec.bins() + 1));
            v[i] =
                    switch (i % 6) {
                        case 0 -> (float) (rng.nextGaussian() * (spec.max() - spec.min()) / 3);
                        case 1 -> (float) edge;
                        case 2 -> Math.nextDown((float) edge);
                        case 3 -> (float) (-1e-9 * rng.nextDouble());
                        case 4 ->
                                (float)
                                        (spec.max()
                                                + 100
                                                        * rng.nextDouble()
                                                        * (rng.nextBoolean() ? 1 : -1));
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

    /** Specs covering both device paths of {@link BinIndex}: scaled and corrected. */
    private static final HistogramSpec[] SPECS = {
        HistogramSpec.defaults(), // scaled, width 0.5, 0 an inner edge
        new HistogramSpec(40, 0, 10), // scaled, width 0.25, 0 the lowest edge (fastai's range)
        new HistogramSpec(20, 2, 7), // scaled, range above 0: extra slots below min fold into bin 0
        new HistogramSpec(1, 0, 1), // scaled, width 1: no scaling pass
        new HistogramSpec(37, -3.3, 7.1), // corrected: edges are not float32 values
        new HistogramSpec(40, -7, 7), // corrected: fastai's leaky-ReLU range, width 0.35
        new HistogramSpec(
                30, 1e5,
                1e5 + 3), // corrected, edges ~10^6 widths from 0: the guess's worst rounding
    };

    /** Both ways statistics are computed: device ops (what GPUs run) and the fused CPU pass. */
    private static final ActivationStats.Path[] PATHS = {
        ActivationStats.Path.DEVICE_OPS, ActivationStats.Path.CPU_PASS
    };

    private static long[] pathCounts(
            NDManager m, float[] v, HistogramSpec spec, ActivationStats.Path path) {
        return ActivationStats.statistics(m.create(v, new Shape(10, 6, v.length / 60)), spec, path)
                .binCounts();
    }

    @Test
    void histogramCountsEqualAHostCountExactlyOnBothBinIndexWaysAndBothPaths() {
        Engine e = TorchRuntime.engine();
        boolean sawScaled = false;
        boolean sawCorrected = false;
        for (HistogramSpec spec : SPECS) {
            boolean scaled = new BinIndex(spec).isScaled();
            sawScaled |= scaled;
            sawCorrected |= !scaled;
            float[] v = trickyValues(spec, 60_000, spec.bins());
            for (ActivationStats.Path path : PATHS) {
                try (NDManager m = e.newBaseManager()) {
                    assertArrayEquals(
                            hostCounts(v, spec),
                            pathCounts(m, v, spec, path),
                            path + ", spec " + spec + (scaled ? " (scaled)" : " (corrected)"));
                }
            }
        }
        assertTrue(sawScaled && sawCorrected, "both BinIndex ways must be exercised");
    }

    /**
     * The fused CPU pass bins every value into the very slot the device ops give it, NaN and
     * infinities included.
     */
    @Test
    void hostSlotOfAgreesWithTheDeviceSlotsValueByValue() {
        float[] special = {
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            0f,
            -0f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE
        };
        for (HistogramSpec spec : SPECS) {
            float[] v = trickyValues(spec, 6_000, 31 * spec.bins());
            System.arraycopy(special, 0, v, 0, special.length);
            BinIndex bins = new BinIndex(spec);
            try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                long[] device = bins.slotsOf(m.create(v)).toLongArray();
                for (int i = 0; i < v.length; i++) {
                    assertEquals(device[i], bins.slotOf(v[i]), "value " + v[i] + ", spec " + spec);
                }
            }
        }
    }

    @Test
    void infinitiesLandInTheEndBinsAndNanNeverBreaksTheCount() {
        for (HistogramSpec spec : SPECS) {
            float[] v = new float[60];
            v[0] = Float.POSITIVE_INFINITY;
            v[1] = Float.NEGATIVE_INFINITY;
            v[2] = Float.MAX_VALUE;
            v[3] = -Float.MAX_VALUE;
            v[4] = Float.NaN;
            for (ActivationStats.Path path : PATHS) {
                v[4] = Float.NaN;
                try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                    long[] c = pathCounts(m, v, spec, path);
                    assertEquals(
                            60,
                            Arrays.stream(c).sum(),
                            "every value, NaN included, is counted once; "
                                    + path
                                    + ", spec "
                                    + spec);
                    v[4] = 0;
                    long[] withoutNan = pathCounts(m, v, spec, path);
                    assertArrayEquals(hostCounts(v, spec), withoutNan, path + ", spec " + spec);
                }
            }
        }
    }

    @Test
    void edgesAreComparedExactlyWithoutRoundingTinyValuesAcrossThem() {
        HistogramSpec spec = HistogramSpec.defaults();
        assertEquals(19, spec.binOf(-1e-9f));
        assertEquals(19, spec.binOf(-1e-30f), "float64 (x - min) would round -1e-30 + 10 up to 10");
        assertEquals(19, spec.binOf(-Float.MIN_VALUE));
        assertEquals(20, spec.binOf(0f));
        assertEquals(20, spec.binOf(-0f));
        assertEquals(18, spec.binOf(Math.nextDown(-0.5f)));
        assertEquals(19, spec.binOf(-0.5f));
        assertEquals(0, spec.binOf(-1e30f));
        assertEquals(39, spec.binOf(10f));
        assertEquals(-0.5, spec.lower(19), 0);
        assertEquals(10.0, spec.upper(39), 0);
        HistogramSpec odd = new HistogramSpec(37, -3.3, 7.1);
        for (int k = 1; k < odd.bins(); k++) {
            float t = odd.lowerAsFloat(k);
            assertTrue(t >= odd.lower(k) && Math.nextDown(t) < odd.lower(k), "bin " + k);
            assertEquals(k, odd.binOf(t));
            assertEquals(k - 1, odd.binOf(Math.nextDown(t)));
        }
        float[] tiny = {
            -1e-30f,
            -Float.MIN_VALUE,
            -0f,
            0f,
            Float.MIN_VALUE,
            Math.nextDown(-0.5f),
            -0.5f,
            Math.nextUp(-0.5f)
        };
        float[] v = new float[60];
        System.arraycopy(tiny, 0, v, 0, tiny.length);
        for (ActivationStats.Path path : PATHS) {
            try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                assertArrayEquals(
                        hostCounts(v, spec), pathCounts(m, v, spec, path), path.toString());
            }
        }
    }

    @Test
    void scalarStatisticsMatchTheirDefinitions() {
        // 2 samples x 3 channels x 2 values; channel 1 is <= 0 everywhere (dead), channel 2 is not
        float[] v = {
            1, 2, -1, 0, 3, -4,
            5, -6, -2, -3, 0, 0
        };
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
        for (HistogramSpec spec : SPECS) {
            for (ActivationStats.Path path : PATHS) {
                try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                    ActivationStats.Measured s =
                            ActivationStats.statistics(m.create(v, new Shape(2, 3, 2)), spec, path);
                    ActivationRow r = s.row();
                    String where = path + ", spec " + spec;
                    assertEquals(mean, r.mean(), 1e-6, where);
                    assertEquals(std, r.std(), 1e-6, where);
                    assertEquals(-6, r.min(), 0, where);
                    assertEquals(5, r.max(), 0, where);
                    assertEquals(8.0 / 12, r.fracNonpositive(), 1e-12, where);
                    assertEquals(1.0 / 3, r.deadChannelFrac(), 1e-12, where);
                    assertEquals(3.0 / 12, r.zeroFrac(), 1e-12, where);
                    assertEquals(spec.bins(), s.binCounts().length, where);
                }
            }
        }
    }

    /**
     * Mean and std come from float32 device sums (sum, L2 norm) finished in float64 on the host: on
     * activation-sized data they must match a float64 host reference to float32 accuracy, including
     * a layer whose mean is several times its std (cancellation in E[x^2] - mean^2).
     */
    @Test
    void scalarStatisticsMatchAFloat64HostReferenceOnActivationSizedData() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 32 * 64 * 16 * 16;
        double[][] cases = {
            {0.0, 1.0}, {0.3, 1.0}, {4.0, 1.0}
        }; // shift, scale; relu applied to the first two
        for (int c = 0; c < cases.length; c++) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double x = cases[c][0] + cases[c][1] * rng.nextGaussian();
                v[i] = (float) (c < 2 ? Math.max(0, x) : x);
            }
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            long nonpositive = 0;
            long zeros = 0;
            long nearZero = 0;
            for (float x : v) {
                zeros += x == 0 ? 1 : 0;
                nearZero += x >= -0.5f && x < 0.5f ? 1 : 0;
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
                nonpositive += x <= 0 ? 1 : 0;
            }
            double mean = sum / n;
            double ss = 0;
            for (float x : v) {
                ss += (x - mean) * (x - mean);
            }
            double std = Math.sqrt(ss / n);
            for (ActivationStats.Path path : PATHS) {
                try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                    ActivationRow s =
                            ActivationStats.statistics(
                                            m.create(v, new Shape(32, 64, 16, 16)),
                                            HistogramSpec.defaults(),
                                            path)
                                    .row();
                    assertEquals(
                            mean,
                            s.mean(),
                            1e-6 * Math.abs(mean) + 1e-7,
                            "mean, case " + c + ", " + path);
                    assertEquals(std, s.std(), 1e-5 * std, "std, case " + c + ", " + path);
                    assertEquals(min, s.min(), 0, path.toString());
                    assertEquals(max, s.max(), 0, path.toString());
                    assertEquals(
                            (double) nonpositive / n, s.fracNonpositive(), 1e-15, path.toString());
                    assertEquals((double) zeros / n, s.zeroFrac(), 1e-15, path.toString());
                    assertEquals((double) nearZero / n, s.nearZeroFrac(), 1e-15, path.toString());
                }
            }
        }
    }

    /**
     * Both paths give the same row, every column of {@link ActivationRow#COLUMNS} (a new statistic
     * is compared without touching this test): exact columns identically, float32-accumulated ones
     * (mean, std) to float32 accuracy relative to the activation's scale.
     */
    static void assertSameRow(ActivationRow device, ActivationRow cpu, String where) {
        double scale = Math.abs(device.mean()) + device.std();
        for (ActivationRow.Column c : ActivationRow.COLUMNS) {
            Object d = c.value().apply(device);
            Object h = c.value().apply(cpu);
            if (c.exact()) {
                assertEquals(d, h, where + ", " + c.name());
            } else {
                assertEquals((Double) d, (Double) h, 1e-5 * scale, where + ", " + c.name());
            }
        }
    }

    /** A non-contiguous activation (a transposed view) gets the same statistics on both paths. */
    @Test
    void bothPathsAgreeOnANonContiguousActivation() {
        HistogramSpec spec = HistogramSpec.defaults();
        float[] v = trickyValues(spec, 6 * 10 * 50, 11);
        // channels 0-2 of the view exactly 0, some as -0 (the view's channel axis is the storage's
        // first)
        for (int i = 0; i < 3 * 10 * 50; i++) {
            v[i] = i % 7 == 0 ? -0f : 0f;
        }
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray view = m.create(v, new Shape(6, 10, 50)).transpose(1, 0, 2);
            ActivationStats.Measured device =
                    ActivationStats.statistics(view, spec, ActivationStats.Path.DEVICE_OPS);
            ActivationStats.Measured cpu =
                    ActivationStats.statistics(view, spec, ActivationStats.Path.CPU_PASS);
            assertArrayEquals(device.binCounts(), cpu.binCounts());
            assertSameRow(device.row(), cpu.row(), "transposed view");
            assertEquals(
                    0.5,
                    cpu.row().deadChannelFracWindow(),
                    0,
                    "a one-step window: the channels exactly 0 now");
        }
    }

    @Test
    void invalidHistogramSpecsAreRejectedWithTheBadValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new HistogramSpec(0, 0, 1));
        assertEquals("histogram bins must be in [1, 256], got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HistogramSpec(40, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new HistogramSpec(40, 0, Double.NaN));
        IllegalArgumentException narrow =
                assertThrows(
                        IllegalArgumentException.class, () -> new HistogramSpec(40, 1e6, 1e6 + 1));
        assertTrue(narrow.getMessage().contains("too narrow"), narrow.getMessage());
    }
}
