package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Relations between the built-in norms that follow from their definitions. */
class NormIdentitiesTest {
    static final Shape X = new Shape(3, 6, 4, 5);

    @Test
    void groupNormWithOneGroupEqualsLayerNorm() {
        try (NormHarness gn =
                        new NormHarness(
                                NormRegistry.get("gn"),
                                6,
                                NormOptions.DEFAULTS.withGroups(1),
                                DataType.FLOAT64,
                                X);
                NormHarness ln =
                        new NormHarness(
                                NormRegistry.get("ln"),
                                6,
                                NormOptions.DEFAULTS,
                                DataType.FLOAT64,
                                X)) {
            double[] affineW = {0.5, 1, 1.5, 2, 2.5, 3};
            double[] affineB = {-1, 0, 1, 2, 3, 4};
            for (NormHarness h : new NormHarness[] {gn, ln}) {
                NormHarness.setValues(h.trainable().get(0).getArray(), affineW);
                NormHarness.setValues(h.trainable().get(1).getArray(), affineB);
            }
            double[] x = NormHarness.values(gn.random(X, 5));
            assertArrayEquals(
                    ln.forwardValues(ln.array(x, X), true),
                    gn.forwardValues(gn.array(x, X), true),
                    1e-12);
        }
    }

    @Test
    void groupNormWithOneGroupPerChannelEqualsInstanceNorm() {
        try (NormHarness gn =
                new NormHarness(
                        NormRegistry.get("gn"),
                        6,
                        NormOptions.DEFAULTS.withGroups(6),
                        DataType.FLOAT64,
                        X)) {
            NDArray in = gn.random(X, 6);
            double[] x = NormHarness.values(in);
            double[] y = gn.forwardValues(in, true);
            int hw = 20;
            for (int nc = 0; nc < 3 * 6; nc++) {
                double mean = 0;
                for (int i = 0; i < hw; i++) {
                    mean += x[nc * hw + i];
                }
                mean /= hw;
                double var = 0;
                for (int i = 0; i < hw; i++) {
                    var += (x[nc * hw + i] - mean) * (x[nc * hw + i] - mean);
                }
                var /= hw; // biased, as every norm here
                for (int i = 0; i < hw; i++) {
                    assertEquals(
                            (x[nc * hw + i] - mean) / Math.sqrt(var + 1e-5),
                            y[nc * hw + i],
                            1e-9,
                            "instance " + nc);
                }
            }
        }
    }

    @Test
    void defaultGroupRuleGivesInstanceNormBelow32ChannelsAnd32GroupsAbove() {
        NormOptions o = NormOptions.DEFAULTS;
        assertEquals(16, o.resolveGroups("gn", 16));
        assertEquals(32, o.resolveGroups("gn", 64));
        assertEquals(32, o.resolveGroups("gn", 512));
        assertEquals(24, o.resolveGroups("gn", 48));
        assertEquals(1, o.resolveGroups("gn", 1));
        assertEquals(7, o.resolveGroups("gn", 7));
    }

    @Test
    void batchNormTrainingOutputHasPerChannelMeanZeroAndVarianceOne() {
        try (NormHarness bn =
                new NormHarness(
                        NormRegistry.get("bn"), 6, NormOptions.DEFAULTS, DataType.FLOAT64, X)) {
            double[] y = bn.forwardValues(bn.random(X, 7), true);
            int hw = 20;
            for (int c = 0; c < 6; c++) {
                double sum = 0;
                double sq = 0;
                int k = 0;
                for (int n = 0; n < 3; n++) {
                    for (int i = 0; i < hw; i++) {
                        double v = y[(n * 6 + c) * hw + i];
                        sum += v;
                        sq += v * v;
                        k++;
                    }
                }
                double mean = sum / k;
                assertEquals(0, mean, 1e-12, "channel " + c + " mean");
                // variance of the normalised values is var / (var + eps): 1 up to eps / var
                assertEquals(1, sq / k - mean * mean, 1e-5, "channel " + c + " variance");
            }
        }
    }
}
