package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * RunningBatchNorm against values worked out by hand from fast.ai notebook 07's update rule
 * (momentum 0.1, eps 1e-5, one channel, gamma 1, beta 0). Note that debiasing divides sums, sqrs
 * and count alike, so it cancels in mean and variance; it is visible in {@code dbias} and in the
 * count, and the first step's statistics are exactly that batch's.
 */
class RunningBatchNormTest {
    static final double EPS = 1e-5;

    private static NormHarness rbn(Shape shape) {
        return new NormHarness(
                NormRegistry.get("rbn"), 1, NormOptions.DEFAULTS, DataType.FLOAT64, shape);
    }

    private static RunningBatchNormBlock block(NormHarness h) {
        return (RunningBatchNormBlock) h.block;
    }

    @Test
    void firstThreeTrainingStepsAndEvalMatchHandComputedValues() {
        Shape two = new Shape(2, 1, 1, 2);
        try (NormHarness h = rbn(two)) {
            // Step 1, bs 2: mom1 = 1 - 0.9 / sqrt(1) = 0.1. sum 16, sum of squares 84, 4 elements.
            // sums = 1.6, sqrs = 8.4, count = 0.4, dbias = 0.1 -> mean 16/4 = 4, var 84/4 - 16 = 5.
            double[] y1 = h.forwardValues(h.array(new double[] {1, 3, 5, 7}, two), true);
            double s5 = Math.sqrt(5 + EPS);
            assertArrayEquals(new double[] {-3 / s5, -1 / s5, 1 / s5, 3 / s5}, y1, 1e-12);
            assertEquals(0.1, block(h).dbias(), 1e-15);
            assertEquals(0.4, block(h).count(), 1e-15);

            // Step 2, bs 2: sum 8, sum of squares 24. sums = 1.6*0.9 + 0.8 = 2.24, sqrs = 8.4*0.9 +
            // 2.4 = 9.96,
            // count = 0.4*0.9 + 0.4 = 0.76, dbias = 0.19. mean = 2.24/0.76 = 2.947368..., var =
            // 9.96/0.76 - mean^2.
            double[] y2 = h.forwardValues(h.array(new double[] {0, 2, 2, 4}, two), true);
            double mean2 = 2.24 / 0.76;
            double var2 = 9.96 / 0.76 - mean2 * mean2;
            assertEquals(4.4182825484764585, var2, 1e-12);
            double sd2 = Math.sqrt(var2 + EPS);
            assertArrayEquals(
                    new double[] {
                        (0 - mean2) / sd2, (2 - mean2) / sd2, (2 - mean2) / sd2, (4 - mean2) / sd2
                    },
                    y2,
                    1e-12);
            assertEquals(0.19, block(h).dbias(), 1e-15);

            // Step 3, bs 4, values 1..8: mom1 = 1 - 0.9 / sqrt(3) = 0.48038475772933675; sum 36,
            // squares 204, 8 elements.
            Shape four = new Shape(4, 1, 1, 2);
            double m1 = 1 - 0.9 / Math.sqrt(3);
            assertEquals(0.48038475772933675, m1, 1e-15);
            double sums = 2.24 * (1 - m1) + 36 * m1;
            double sqrs = 9.96 * (1 - m1) + 204 * m1;
            double count = 0.76 * (1 - m1) + 8 * m1;
            double mean3 = sums / count;
            double var3 = sqrs / count - mean3 * mean3;
            assertEquals(4.3553213632368415, mean3, 1e-12);
            assertEquals(5.376198909111633, var3, 1e-12);
            double[] y3 =
                    h.forwardValues(h.array(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, four), true);
            double sd3 = Math.sqrt(var3 + EPS);
            for (int i = 0; i < 8; i++) {
                assertEquals((i + 1 - mean3) / sd3, y3[i], 1e-12, "step 3 element " + i);
            }
            assertEquals(0.19 * (1 - m1) + m1, block(h).dbias(), 1e-15);
            assertEquals(3, block(h).step());
            assertEquals(8, block(h).samplesSeen());

            // Eval: the same running statistics, no update (batch of one is fine in eval).
            Shape one = new Shape(1, 1, 1, 2);
            double[] e = h.forwardValues(h.array(new double[] {0, 10}, one), false);
            assertArrayEquals(new double[] {-1.8783742993332906, 2.4344516500641546}, e, 1e-12);
            assertArrayEquals(e, h.forwardValues(h.array(new double[] {0, 10}, one), false), 0);
            assertEquals(3, block(h).step());
        }
    }

    @Test
    void varianceIsClampedTo001WhileFewerThan20SamplesSeen() {
        Shape two = new Shape(2, 1, 1, 2);
        try (NormHarness h = rbn(two)) {
            double[] y = h.forwardValues(h.array(new double[] {2, 2, 2, 2}, two), true);
            assertArrayEquals(new double[] {0, 0, 0, 0}, y, 1e-12);
            double[] e =
                    h.forwardValues(h.array(new double[] {3, 3}, new Shape(1, 1, 1, 2)), false);
            assertEquals(1 / Math.sqrt(0.01 + EPS), e[0], 1e-9, "variance 0 clamped to 0.01");
        }
    }

    @Test
    void evalBeforeAnyTrainingUsesMeanZeroVarianceOne() {
        Shape s = new Shape(1, 1, 1, 2);
        try (NormHarness h = rbn(s)) {
            double[] e = h.forwardValues(h.array(new double[] {-2, 5}, s), false);
            assertArrayEquals(
                    new double[] {-2 / Math.sqrt(1 + EPS), 5 / Math.sqrt(1 + EPS)}, e, 1e-12);
        }
    }

    @Test
    void trainingAtBatchOneIsRejectedBecauseMomentumIsUndefined() {
        Shape s = new Shape(1, 1, 1, 2);
        try (NormHarness h = rbn(s)) {
            IllegalArgumentException ex =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> h.forward(h.array(new double[] {1, 2}, s), true));
            assertTrue(
                    ex.getMessage().contains("norm rbn: batch size 1 in training mode"),
                    ex.getMessage());
            assertEquals(0, block(h).step(), "a rejected batch must not change state");
        }
    }
}
