package org.normbench.analysis.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.load.Run;
import org.normbench.analysis.load.RunLoader;
import org.normbench.analysis.synth.SyntheticRun;

/** A skipped figure says what is actually missing, not "absent or empty". */
class SkipReasonsTest {
    @TempDir Path runs;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private Path tiny(String id) throws IOException {
        return SyntheticRun.write(
                runs,
                new SyntheticRun.Spec(
                        id,
                        List.of(4),
                        List.of("bn", "gn"),
                        List.of("relu"),
                        1,
                        10,
                        1,
                        5,
                        2,
                        8,
                        false,
                        false,
                        false));
    }

    private static void deleteEverywhere(Path run, String file) throws IOException {
        Files.delete(run.resolve(file));
        try (var cells = Files.list(run.resolve("cells"))) {
            for (Path cell : cells.toList()) {
                Files.deleteIfExists(cell.resolve(file));
            }
        }
    }

    @Test
    void aRunWithoutAThroughputSectionSaysSo() throws IOException {
        Run run = RunLoader.load(tiny("no-throughput"));

        assertEquals(
                "the run has no throughput cells (its grid has no throughput: section)",
                new ThroughputFigure().build(run).skippedReason());
    }

    @Test
    void absentCurvesAreCalledAbsent() throws IOException {
        Path dir = tiny("no-curves");
        deleteEverywhere(dir, "curves.csv");

        assertEquals(
                "curves.csv is absent (nor is there a cells/<cell-id>/curves.csv)",
                new LossCurvesFigure().build(RunLoader.load(dir)).skippedReason());
    }

    @Test
    void curvesForOtherCellIdsAreCountedAndExemplified() throws IOException {
        Path dir = tiny("other-ids");
        deleteEverywhere(dir, "curves.csv");
        Files.writeString(
                dir.resolve("curves.csv"),
                "cell_id,step,epoch,train_loss,lr,val_loss,val_accuracy\n"
                        + "train-bn-relu-bs4-w1-cpu-s0,1,0.1,2.3,0.1,,\ntrain-bn-relu-bs4-w1-cpu-s0,2,0.2,2.2,0.1,,\n");

        assertEquals(
                "curves.csv has rows for 1 cells, none of them among the 2 train cells of cells.csv"
                        + " (e.g. 'train-bn-relu-bs4-w1-cpu-s0' there, 'train-bn-relu-bs4-cpu-s0' in cells.csv)",
                new LossCurvesFigure().build(RunLoader.load(dir)).skippedReason());
    }

    @Test
    void headerOnlyActivationsHaveNoDataRows() throws IOException {
        Path dir = tiny("header-only");
        deleteEverywhere(dir, "activations.csv");
        Files.writeString(
                dir.resolve("activations.csv"),
                "cell_id,step,layer,layer_index,mean,std,min,max,frac_nonpositive,dead_channel_frac\n");

        assertEquals(
                "activations.csv has no data rows",
                new LayerStatsFigure().build(RunLoader.load(dir)).skippedReason());
    }

    @Test
    void trainCellsThatAllFailedAreCountedByStatus() throws IOException {
        Path dir = tiny("all-failed");
        Path cells = dir.resolve("cells.csv");
        Files.writeString(cells, Files.readString(cells).replace(",ok,", ",diverged,"));

        assertEquals(
                "none of the 2 train cells finished ok (2 diverged)",
                new TestErrorFigure().build(RunLoader.load(dir)).skippedReason());
    }
}
