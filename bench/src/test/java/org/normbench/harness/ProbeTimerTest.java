package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;
import org.normbench.grid.GridParser;

/**
 * {@link ProbeTimer} runs a train cell's own path (its model for its dataset's input, its config
 * with hook statistics) and a throughput cell's, on real DJL/libtorch; no timing is asserted.
 */
class ProbeTimerTest {
    private static final String GRID =
            String.join(
                    "\n",
                    "name: probe",
                    "dataset: fashion-mnist",
                    "train_limit: 200",
                    "test_limit: 100",
                    "model: lesson_cnn",
                    "train:",
                    "  width: 0.5",
                    "  norms: [bn]",
                    "  activations: [relu]",
                    "  batch_sizes: [4]",
                    "  epochs: 1",
                    "  hooks: {enabled: true, every_steps: 5}",
                    "throughput:",
                    "  model: resnet18",
                    "  width: 0.125",
                    "  norms: [gn]",
                    "  activations: [relu]",
                    "  batch_sizes: [2]",
                    "");

    @Test
    void aLessonCnnOnOneChannelImagesAndAThroughputCellAreTimed() throws Exception {
        List<CellSpec> cells =
                GridParser.parse("probe.yaml", GRID, RegistryVocabulary.current()).cells();
        assertEquals(
                List.of(CellKind.TRAIN, CellKind.THROUGHPUT),
                cells.stream().map(CellSpec::kind).toList());
        for (CellSpec c : cells) {
            GridEstimate.Timing t = ProbeTimer.time(c);
            assertTrue(t.ok(), c.cellId() + ": " + t.failure());
            assertTrue(t.stepMs() > 0 && Double.isFinite(t.stepMs()), c.cellId() + ": " + t);
            assertTrue(t.setupSeconds() >= 0, c.cellId() + ": " + t);
            assertTrue(
                    t.cpuShare() == null || (t.cpuShare() > 0 && t.cpuShare() <= 1),
                    c.cellId() + ": " + t);
        }
    }

    @Test
    void copiesSideBySideAreEachTimedOnAThreadSetUpAsAWorker() throws Exception {
        CellSpec cell =
                GridParser.parse("probe.yaml", GRID, RegistryVocabulary.current()).cells().get(0);
        java.util.Set<String> setUp = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<GridEstimate.Timing> copies =
                ProbeTimer.timeTogether(cell, 2, () -> setUp.add(Thread.currentThread().getName()));
        assertEquals(2, copies.size());
        assertEquals(2, setUp.size(), "each copy on a thread of its own, set up first: " + setUp);
        for (GridEstimate.Timing t : copies) {
            assertTrue(t.ok() && t.stepMs() > 0 && Double.isFinite(t.stepMs()), t.toString());
        }
    }
}
