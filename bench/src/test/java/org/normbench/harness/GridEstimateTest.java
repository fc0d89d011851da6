package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;
import org.normbench.grid.GridParser;

class GridEstimateTest {
    private static final String GRID =
            String.join(
                    "\n",
                    "name: est",
                    "dataset: fashion-mnist",
                    "train_limit: 1000",
                    "test_limit: 200",
                    "validation_fraction: 0.2",
                    "seeds: [0, 1]",
                    "train:",
                    "  width: 0.125",
                    "  norms: [bn, gn]",
                    "  activations: [relu]",
                    "  batch_sizes: [8]",
                    "  epochs: 2",
                    "throughput:",
                    "  width: 1.0",
                    "  norms: [bn]",
                    "  activations: [relu]",
                    "  batch_sizes: [32]",
                    "  warmup_steps: 3",
                    "  timed_steps: 10",
                    "");

    @Test
    void stepsTimesStepCostPlusEvaluationAndSetUpPlacedOnTheJobs() throws Exception {
        List<CellSpec> cells =
                GridParser.parse("est.yaml", GRID, RegistryVocabulary.current()).cells();
        List<GridEstimate.Probe> probes = GridEstimate.probes(cells);
        assertEquals(3, probes.size(), "seeds share a probe: bn/gn train, bn throughput");
        Map<GridEstimate.Probe, GridEstimate.Timing> t = new HashMap<>();
        for (GridEstimate.Probe p : probes) {
            t.put(p, new GridEstimate.Timing(p.batchSize() == 8 ? 10 : 100, 1));
        }
        CellSpec train =
                cells.stream().filter(c -> c.kind() == CellKind.TRAIN).findFirst().orElseThrow();
        assertEquals(200, GridEstimate.steps(train), "2 epochs of 800 training images at batch 8");
        // 1 s set-up + 200 steps x 10 ms + (200 test + 200 validation images) / 8 forward passes x
        // 10 ms x 0.35
        assertEquals(
                1 + 2.0 + 50 * 0.010 * GridEstimate.FORWARD_FRACTION,
                GridEstimate.cellSeconds(train, t.get(GridEstimate.Probe.of(train))),
                1e-9);

        GridEstimate.Result one = GridEstimate.plan(cells, 1, t);
        GridEstimate.Result two = GridEstimate.plan(cells, 2, t);
        assertEquals(one.cellSeconds(), one.wallSeconds(), 1e-9, "one job: the cells' sum");
        assertEquals(one.cellSeconds(), two.cellSeconds(), 1e-9);
        assertTrue(
                two.wallSeconds() < one.wallSeconds()
                        && two.wallSeconds() >= one.cellSeconds() / 2 - 1e-9,
                "two jobs: at best half the sum");
        assertEquals(
                List.of("train", "throughput"),
                two.sections().stream().map(GridEstimate.Section::name).toList());
        assertEquals(2 * 13, two.sections().get(1).steps());
        GridEstimate.Section throughput2 = two.sections().get(1);
        assertEquals(
                throughput2.cellSeconds(),
                throughput2.wallSecondsAlone(),
                1e-9,
                "throughput cells run alone, one after another, whatever the jobs");
        assertEquals(
                two.sections().get(0).wallSecondsAlone() + throughput2.cellSeconds(),
                two.wallSeconds(),
                1e-9,
                "the throughput cells (last in grid order) start when the train cells are done");
        String text = GridEstimate.format(two, "2 cells at once");
        assertTrue(text.contains("total") && text.contains("bn bs32 w1.0 cpu"), text);
        assertFalse(text.contains("of the CPU"), "no cpu share known: no warning");
        assertTrue(
                text.contains("'cell time' is the cells one after another"),
                "with jobs, the one-job figure is named: " + text);
        assertFalse(
                GridEstimate.format(one, "one at a time").contains("'cell time' is"),
                "one job: wall and cell time are the same");

        GridEstimate.Probe first = probes.get(0);
        t.put(first, new GridEstimate.Timing(10, 1, 0.55, null));
        String busy = GridEstimate.format(GridEstimate.plan(cells, 2, t), "x");
        assertTrue(busy.contains(" 0.55") && busy.contains("less than 80 % of the CPU"), busy);
        t.put(first, new GridEstimate.Timing(10, 1, 0.97, null));
        assertFalse(
                GridEstimate.format(GridEstimate.plan(cells, 2, t), "x").contains("of the CPU"));

        GridEstimate.Probe throughput = GridEstimate.Probe.of(cells.get(cells.size() - 1));
        t.put(throughput, GridEstimate.Timing.failed("no CUDA GPU is visible"));
        GridEstimate.Result partial = GridEstimate.plan(cells, 2, t);
        assertEquals(
                List.of("train"),
                partial.sections().stream().map(GridEstimate.Section::name).toList(),
                "cells whose probe failed are left out");
        assertTrue(
                GridEstimate.format(partial, "x")
                        .contains("not timed, its cells are left out: no CUDA GPU is visible"));
    }

    @Test
    void theWallCountsEveryCellTheContentionOfTheHeaviestProbeAsLong() throws Exception {
        List<CellSpec> cells =
                GridParser.parse("est.yaml", GRID, RegistryVocabulary.current()).cells();
        Map<GridEstimate.Probe, GridEstimate.Timing> t = new HashMap<>();
        for (GridEstimate.Probe p : GridEstimate.probes(cells)) {
            // gn's train step is the slowest, so its cells carry the most train time; the
            // throughput cells take longer still, but run alone.
            t.put(
                    p,
                    new GridEstimate.Timing(
                            p.batchSize() == 32 ? 10_000 : p.norm().equals("gn") ? 30 : 10, 1));
        }
        CellSpec heaviest = GridEstimate.heaviest(cells, t);
        assertEquals("gn", heaviest.norm());
        assertEquals(CellKind.TRAIN, heaviest.kind());

        List<GridEstimate.Timing> alone =
                List.of(new GridEstimate.Timing(28, 1), new GridEstimate.Timing(32, 1));
        GridEstimate.Contention c =
                GridEstimate.contention(
                        heaviest,
                        alone,
                        2,
                        List.of(new GridEstimate.Timing(42, 1), new GridEstimate.Timing(48, 1)));
        assertEquals(45, c.togetherMs(), 1e-9);
        assertEquals(30, c.aloneMs(), 1e-9, "alone: the mean of the timings around the copies");
        assertEquals(1.5, c.factor(), 1e-9);
        GridEstimate.Result plain = GridEstimate.plan(cells, 2, t);
        GridEstimate.Result contended = GridEstimate.plan(cells, 2, t, c);
        assertEquals(
                plain.cellSeconds(), contended.cellSeconds(), 1e-9, "cell time: one at a time");
        assertEquals(
                1.5 * plain.sections().get(0).wallSecondsAlone(),
                contended.sections().get(0).wallSecondsAlone(),
                1e-9,
                "train cells run side by side: 1.5x as long");
        assertEquals(
                plain.sections().get(1).wallSecondsAlone(),
                contended.sections().get(1).wallSecondsAlone(),
                1e-9,
                "throughput cells run alone: no contention");
        String text = GridEstimate.format(contended, "2 cells at once");
        assertTrue(
                text.contains(
                        "contention: 2 x gn bs8 w0.125 cpu side by side: 45.0 ms per step against"
                                + " 30.0 ms alone (1.50x); the walls count every train cell 1.50x as long"),
                text);

        GridEstimate.Contention faster =
                GridEstimate.contention(
                        heaviest, alone, 2, List.of(new GridEstimate.Timing(29, 1)));
        assertEquals(1, faster.factor(), 1e-9, "noise below alone is no speed-up");
        GridEstimate.Contention failed =
                GridEstimate.contention(
                        heaviest,
                        alone,
                        8,
                        List.of(
                                new GridEstimate.Timing(42, 1),
                                GridEstimate.Timing.failed("CUDA out of memory")));
        assertEquals(1, failed.factor(), 1e-9);
        assertEquals(
                plain.wallSeconds(), GridEstimate.plan(cells, 2, t, failed).wallSeconds(), 1e-9);
        assertTrue(
                GridEstimate.format(GridEstimate.plan(cells, 2, t, failed), "x")
                        .contains(
                                "8 x gn bs8 w0.125 cpu side by side could not be timed (CUDA out"
                                        + " of memory); the wall assumes no slowdown"));
    }
}
