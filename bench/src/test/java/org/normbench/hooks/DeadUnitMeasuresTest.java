package org.normbench.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

/**
 * The dead-unit measures ({@code zero_frac}, {@code near_zero_frac}, {@code
 * dead_channel_frac_window}) on hand-made activations with known answers, along both statistics
 * paths: exact zeros count, a LeakyReLU channel whose outputs are all negative is not dead (only
 * the legacy {@code dead_channel_frac} counts it), and the window needs W consecutive logged steps
 * of exact zeros.
 */
class DeadUnitMeasuresTest {

    private static final ActivationStats.Path[] PATHS = {
        ActivationStats.Path.DEVICE_OPS, ActivationStats.Path.CPU_PASS
    };

    /**
     * 2 samples x 4 channels x 3 positions. Channel 0: ReLU output with some exact zeros; channel
     * 1: a dead ReLU channel (all 0, one of them -0); channel 2: LeakyReLU (slope 0.1) of an
     * all-negative pre-activation; channel 3: mixed, with values on both sides of +-0.5.
     */
    private static final float[] HAND_MADE = {
        0, 1, 0, 0, 0, -0f, -0.01f, -0.2f, -0.03f, 0.3f, 5, 7, 2, 0, 0, 0, 0, 0, -0.05f, -0.6f, -1f,
        0.49f, -0.5f, -3,
    };

    @Test
    void eachMeasureHasItsKnownValueOnAHandMadeActivation() {
        for (ActivationStats.Path path : PATHS) {
            try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                ActivationRow r =
                        ActivationStats.statistics(
                                        m.create(HAND_MADE, new Shape(2, 4, 3)),
                                        HistogramSpec.defaults(),
                                        path)
                                .row();
                // zeros: 4 in channel 0, 6 in channel 1
                assertEquals(10.0 / 24, r.zeroFrac(), 1e-15, path + " zero_frac");
                // bins 19 and 20, -0.5 <= x < 0.5: 4 + 6 + 4 (-0.01, -0.2, -0.03, -0.05) + 3 (0.3,
                // 0.49, -0.5)
                assertEquals(17.0 / 24, r.nearZeroFrac(), 1e-15, path + " near_zero_frac");
                // the one-step window of statistics(): only the ReLU channel of zeros is dead
                assertEquals(
                        1.0 / 4, r.deadChannelFracWindow(), 0, path + " dead_channel_frac_window");
                // the legacy measures also count the all-negative LeakyReLU channel
                assertEquals(2.0 / 4, r.deadChannelFrac(), 0, path + " dead_channel_frac");
                assertEquals(18.0 / 24, r.fracNonpositive(), 1e-15, path + " frac_nonpositive");
            }
        }
    }

    @Test
    void nearZeroBinsAreTheBinsWhoseClosedIntervalHoldsZero() {
        assertEquals(List.of(19, 20), HistogramSpec.defaults().binsTouchingZero());
        assertEquals(
                List.of(0),
                new HistogramSpec(40, 0, 10).binsTouchingZero(),
                "0 the lowest edge: one bin");
        assertEquals(
                List.of(9),
                new HistogramSpec(10, -10, 0).binsTouchingZero(),
                "0 the upper end: the last bin");
        assertEquals(
                List.of(0),
                new HistogramSpec(20, 2, 7).binsTouchingZero(),
                "0 below the range: where it is clamped");
        assertEquals(
                List.of(11),
                new HistogramSpec(37, -3.3, 7.1).binsTouchingZero(),
                "0 inside bin 11, [-0.208, 0.073)");
    }

    @Test
    void nearZeroFollowsTheHistogramRange() {
        // fastai's range [0, 10) with 40 bins: only bin 0, [0, 0.25), touches 0; negatives clamp
        // into it too
        HistogramSpec fastai = new HistogramSpec(40, 0, 10);
        for (ActivationStats.Path path : PATHS) {
            try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                ActivationRow r =
                        ActivationStats.statistics(
                                        m.create(HAND_MADE, new Shape(2, 4, 3)), fastai, path)
                                .row();
                // 10 zeros + 6 negatives of channel 2 + 2 negatives of channel 3; 0.3 and 0.49 are
                // above 0.25
                assertEquals(18.0 / 24, r.nearZeroFrac(), 1e-15, path.toString());
            }
        }
    }

    /**
     * One logged step of a layer with 2 channels of 2 values each: each channel exactly 0, or not.
     */
    private static float[] step(boolean zero0, boolean zero1, boolean negative1) {
        float c1 = zero1 ? 0 : negative1 ? -0.1f : 0.7f;
        return new float[] {zero0 ? 0 : 0.3f, zero0 ? -0f : 0, c1, zero1 ? 0 : c1};
    }

    @Test
    void theWindowCountsChannelsExactlyZeroAtEachOfTheLastWLoggedSteps() {
        // W = 3; channel 1 is all negative (LeakyReLU) at step 2, which is not zero
        float[][] steps = {
            step(true, true, false), // runs 1, 1 -> undefined (1 logged step < 3)
            step(true, false, true), // runs 2, 0 -> undefined
            step(true, true, false), // runs 3, 1 -> channel 0 dead: 1/2
            step(false, true, false), // runs 0, 2 -> 0
            step(true, true, false), // runs 1, 3 -> 1/2
            step(true, true, false), // runs 2, 4 -> 1/2
            step(true, true, false), // runs 3, 5 -> 1
        };
        double[] expected = {Double.NaN, Double.NaN, 0.5, 0, 0.5, 0.5, 1};
        for (ActivationStats.Path path : PATHS) {
            ActivationStats stats =
                    new ActivationStats(HistogramSpec.defaults(), List.of("a", "b"), path, 3);
            List<ActivationRow> rows = new ArrayList<>();
            try (NDManager m = TorchRuntime.engine().newBaseManager()) {
                for (int t = 0; t < steps.length; t++) {
                    stats.hook()
                            .onForward(
                                    "a",
                                    new NDList(),
                                    new NDList(m.create(steps[t], new Shape(1, 2, 2))),
                                    true);
                    if (t >= 4) {
                        // layer b starts later: its window counts its own logged steps
                        stats.hook()
                                .onForward(
                                        "b",
                                        new NDList(),
                                        new NDList(m.create(steps[t], new Shape(1, 2, 2))),
                                        true);
                    }
                    stats.collect(10 * (t + 1), rows, new ArrayList<>());
                }
            }
            List<ActivationRow> a = rows.stream().filter(r -> r.layer().equals("a")).toList();
            List<ActivationRow> b = rows.stream().filter(r -> r.layer().equals("b")).toList();
            for (int t = 0; t < steps.length; t++) {
                assertEquals(
                        expected[t],
                        a.get(t).deadChannelFracWindow(),
                        0,
                        path + ", logged step " + (t + 1));
            }
            assertTrue(
                    Double.isNaN(b.get(0).deadChannelFracWindow())
                            && Double.isNaN(b.get(1).deadChannelFracWindow()),
                    path + ": b has fewer than 3 logged steps");
            assertEquals(
                    1.0,
                    b.get(2).deadChannelFracWindow(),
                    0,
                    path + ": b's third logged step, both channels 0 three times");
            // the CSV leaves an undefined window empty
            List<Object> csv = a.get(0).csvValues("c");
            assertNull(csv.get(ActivationRow.header().indexOf("dead_channel_frac_window")));
            assertEquals(1.0, csv.get(ActivationRow.header().indexOf("zero_frac")));
        }
    }

    @Test
    void aWindowBelowOneIsRejected() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new ActivationStats(
                                        HistogramSpec.defaults(),
                                        List.of(),
                                        ActivationStats.Path.AUTO,
                                        0));
        assertEquals("dead window must be >= 1 logged steps, got 0", e.getMessage());
    }
}
