package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Which of a probe's steps {@link ProbeTimer.Window} drops, times and stops at, on given durations.
 */
class ProbeTimerWindowTest {

    /** Adds {@code ms} until the window has enough; returns how many steps that took. */
    private static int feed(ProbeTimer.Window w, double... ms) {
        for (int i = 0; i < ms.length; i++) {
            if (w.add(ms[i])) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void slowFirstStepsOfAFastCellAreDroppedAndTheMedianIsTheSteadyStep() {
        ProbeTimer.Window w = new ProbeTimer.Window();
        double[] steps = new double[60];
        steps[0] = 900;
        steps[1] = 300;
        steps[2] = 120;
        for (int i = 3; i < steps.length; i++) {
            steps[i] = 25;
        }
        // warm-up: 900 + 300 ms reach 0.5 s after 2 steps; then 0.6 s of timed steps: 120 + 20 x 25
        int used = feed(w, steps);
        assertEquals(2 + 21, used);
        assertEquals(21, w.timedSteps());
        assertEquals(25, w.medianMs(), 0);
        assertEquals(1.2 + 0.12 + 20 * 0.025, w.seconds(), 1e-9);
    }

    @Test
    void aSlowCellStopsAtTheMinimumCounts() {
        ProbeTimer.Window w = new ProbeTimer.Window();
        assertEquals(2 + 3, feed(w, 800, 760, 770, 750, 790, 760));
        assertEquals(770, w.medianMs(), 0);
    }

    @Test
    void aVeryFastCellStopsAtTheStepCaps() {
        ProbeTimer.Window w = new ProbeTimer.Window();
        double[] steps = new double[ProbeTimer.Window.maxSteps() + 5];
        Arrays.fill(steps, 1);
        assertEquals(ProbeTimer.Window.maxSteps(), feed(w, steps));
        assertEquals(ProbeTimer.Window.MAX_TIMED, w.timedSteps());
    }

    @Test
    void noTimedStepMeansNoStepTime() {
        ProbeTimer.Window w = new ProbeTimer.Window();
        assertFalse(w.add(10));
        assertTrue(Double.isNaN(w.medianMs()));
    }
}
