package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which of a probe's steps {@link ProbeTimer.Window} drops, times and stops at, and the step time
 * it gives, on given durations and JIT compilation times.
 */
class ProbeTimerWindowTest {

    /** Adds plain steps of {@code ms} with no compilation until the window has enough. */
    private static int feed(ProbeTimer.Window w, double... ms) {
        for (int i = 0; i < ms.length; i++) {
            if (w.add(ms[i], true, false)) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void slowFirstStepsOfAFastCellAreDroppedAndTheStepIsTheSteadyStep() {
        ProbeTimer.Window w = new ProbeTimer.Window(false);
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
        assertEquals(25, w.stepMs(0), 1e-9, "the 120 ms step is the slowest tenth, left out");
        assertEquals(1.2 + 0.12 + 20 * 0.025, w.seconds(), 1e-9);
    }

    @Test
    void warmUpLastsWhileTheJitCompilerIsBusyUpToItsTimeCap() {
        ProbeTimer.Window w = new ProbeTimer.Window(false);
        for (int i = 0; i < 30; i++) {
            assertFalse(w.add(100, false, false));
        }
        assertEquals(30, w.warmupSteps(), "compiling: still warming up after 3 s");
        w.add(100, true, false);
        w.add(100, true, false);
        assertEquals(31, w.warmupSteps());
        assertEquals(1, w.timedSteps(), "the step after the compiler went quiet is timed");

        ProbeTimer.Window never = new ProbeTimer.Window(false);
        // 125 ms steps (exact in binary)
        int steps = (int) (ProbeTimer.Window.MAX_WARMUP_SECONDS * 8);
        for (int i = 0; i < steps + 1; i++) {
            never.add(125, false, false);
        }
        assertEquals(steps, never.warmupSteps(), "a compiler that never quiets: the time cap");
        assertEquals(1, never.timedSteps());
    }

    @Test
    void aCompilationBurstWhileTimingStartsTheTimingAgain() {
        ProbeTimer.Window w = new ProbeTimer.Window(false);
        w.add(300, true, false);
        w.add(300, true, false);
        w.add(50, true, false);
        w.add(50, true, false);
        assertEquals(2, w.timedSteps());
        // a burst: its step and the two before it become warm-up; timing restarts when quiet
        w.add(200, false, false);
        assertEquals(5, w.warmupSteps());
        assertEquals(0, w.timedSteps());
        assertFalse(w.add(40, true, false));
        assertEquals(6, w.warmupSteps(), "quiet again: warm, the next steps are timed");
        int timed = 0;
        while (!w.add(40, true, false)) {
            timed++;
        }
        assertEquals(15 - 1, timed, "0.6 s of 40 ms steps");
        assertEquals(40, w.stepMs(0), 1e-9);
    }

    @Test
    void theJitIsQuietAfterASecondWithLittleCompiling() {
        ProbeTimer.JitActivity jit = new ProbeTimer.JitActivity();
        assertFalse(jit.quiet(), "no samples");
        // samples every 0.25 s (exact in binary); the first 5 s: 300 ms of compiling per second
        for (int i = 0; i <= 20; i++) {
            jit.sample(i * 0.25, 75 * i);
            assertFalse(jit.quiet(), "busy at " + i * 0.25 + " s");
        }
        // then 20 ms per second: quiet once the last second holds at most 100 ms of compiling,
        // from 5.75 s on (4.75 s to 5.75 s: 90 ms; 4.5 s to 5.5 s: 160 ms)
        for (int i = 21; i <= 28; i++) {
            jit.sample(i * 0.25, 1500 + 5 * (i - 20));
            assertEquals(i >= 23, jit.quiet(), "at " + i * 0.25 + " s");
        }
        // a burst of 200 ms makes it busy again
        jit.sample(29 * 0.25, 1500 + 45 + 200);
        assertFalse(jit.quiet());
    }

    @Test
    void aSlowCellStopsAtTheMinimumCounts() {
        ProbeTimer.Window w = new ProbeTimer.Window(false);
        assertEquals(2 + 3, feed(w, 800, 760, 770, 750, 790, 760));
        assertEquals((770 + 750 + 790) / 3.0, w.stepMs(0), 1e-9);
    }

    @Test
    void aVeryFastCellStopsAtTheTimedCap() {
        ProbeTimer.Window w = new ProbeTimer.Window(false);
        double[] steps = new double[1000];
        Arrays.fill(steps, 1);
        // about 500 warm-up steps of 1 ms reach 0.5 s, then 40 timed steps (0.04 s < 0.6 s)
        int used = feed(w, steps);
        assertEquals(ProbeTimer.Window.MAX_TIMED, w.timedSteps());
        assertEquals(w.warmupSteps() + ProbeTimer.Window.MAX_TIMED, used);
        assertTrue(Math.abs(w.warmupSteps() - 500) <= 1, "warm-up " + w.warmupSteps());
    }

    @Test
    void hookedStepsCountOncePerTheCellsPeriod() {
        ProbeTimer.Window w = new ProbeTimer.Window(true);
        w.add(300, true, true);
        w.add(300, true, false);
        // timed: alternate plain 100 ms and hooked 150 ms; enough at 3 of each and 0.6 s
        boolean done = false;
        int timed = 0;
        while (!done) {
            boolean hooked = timed % 2 == 1;
            done = w.add(hooked ? 150 : 100, true, hooked);
            timed++;
        }
        assertEquals(6, timed, "3 plain + 3 hooked = 750 ms");
        assertEquals(100, w.stepMs(0), 1e-9, "a cell without statistics");
        assertEquals(100 + 50 / 10.0, w.stepMs(10), 1e-9, "statistics every 10 steps");
        assertEquals(150, w.stepMs(1), 1e-9, "statistics on every step");
    }

    @Test
    void theKeptMeanDropsTheSlowestTenth() {
        assertEquals(
                10,
                ProbeTimer.Window.keptMean(
                        List.of(10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 500.0)),
                1e-9);
        assertEquals(
                (10 + 20 + 30) / 3.0,
                ProbeTimer.Window.keptMean(List.of(30.0, 10.0, 20.0)),
                1e-9,
                "fewer than 10 steps: all kept");
        assertTrue(Double.isNaN(ProbeTimer.Window.keptMean(List.of())));
    }

    @Test
    void noTimedStepMeansNoStepTime() {
        ProbeTimer.Window w = new ProbeTimer.Window(false);
        assertFalse(w.add(10, true, false));
        assertTrue(Double.isNaN(w.stepMs(10)));
    }
}
