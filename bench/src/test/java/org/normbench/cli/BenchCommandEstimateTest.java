package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The estimate of a started run covers only the cells it has left, and {@code --estimate-first}
 * prints that estimate and then trains those cells in the same process (what {@code make bench}
 * runs), on the real engine and the committed Fashion-MNIST subset.
 */
class BenchCommandEstimateTest {
    @TempDir Path tmp;

    private static final String GRID =
            String.join(
                    "\n",
                    "name: est",
                    "dataset: fashion-mnist-subset",
                    "train_limit: 64",
                    "test_limit: 32",
                    "train:",
                    "  width: 0.125",
                    "  norms: [bn, gn]",
                    "  activations: [relu]",
                    "  batch_sizes: [8]",
                    "  steps: 3",
                    "");

    private static InProcessCli.Outcome bench(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--quiet";
        return InProcessCli.run(all);
    }

    @Test
    void withJobsTheEstimateTimesTheHeaviestProbeSideBySideAndTrainsNothing() throws Exception {
        Path grid = tmp.resolve("est.yaml");
        Files.writeString(grid, GRID);
        InProcessCli.Outcome o =
                bench(
                        "bench",
                        "--grid",
                        grid.toString(),
                        "--runs-dir",
                        tmp.resolve("runs").toString(),
                        "--estimate",
                        "--jobs",
                        "2");
        assertEquals(0, o.code(), o.out() + o.err());
        assertTrue(
                o.out().matches("(?s).*contention: 2 x (bn|gn) bs8 w0.125 cpu side by side: .*"),
                o.out());
        assertFalse(Files.exists(tmp.resolve("runs")), "--estimate writes no run");
    }

    @Test
    void aStartedRunIsEstimatedForTheCellsItHasLeftAndEstimateFirstThenTrainsThem()
            throws Exception {
        Path grid = tmp.resolve("est.yaml");
        Files.writeString(grid, GRID);
        Path runs = tmp.resolve("runs");
        String[] run = {
            "bench", "--grid", grid.toString(), "--runs-dir", runs.toString(), "--run", "e"
        };

        InProcessCli.Outcome first = bench(run);
        assertEquals(0, first.code(), first.out() + first.err());
        Path cells = runs.resolve("e").resolve("cells");
        Path gnCell = cells.resolve("train-gn-relu-bs8-w0.125-cpu-s0");
        assertTrue(Files.isDirectory(gnCell), first.out());
        // As if the run had been stopped before its gn cell finished.
        try (Stream<Path> files = Files.walk(gnCell)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }

        InProcessCli.Outcome estimate = bench(concat(run, "--estimate"));
        assertEquals(0, estimate.code(), estimate.out() + estimate.err());
        assertTrue(
                estimate.out().contains("run e: 1 of 2 cells left to run (1 stored results kept)"),
                estimate.out());
        assertTrue(estimate.out().contains("gn bs8 w0.125 cpu"), estimate.out());
        assertFalse(estimate.out().contains("bn bs8"), "the finished bn cell is not timed");
        assertFalse(Files.exists(gnCell), "--estimate trains nothing");

        InProcessCli.Outcome resumed = bench(concat(run, "--estimate-first"));
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        String log = resumed.out();
        int estimateAt = log.indexOf("gn bs8 w0.125 cpu");
        int runAt = log.indexOf("run e -> ");
        int cellAt = log.indexOf("ok       train-gn-relu-bs8");
        assertTrue(
                estimateAt >= 0 && estimateAt < runAt && runAt < cellAt,
                "the estimate comes before the run starts, the cell after:\n" + log);
        assertTrue(log.contains("1 already finished"), log);
        assertTrue(Files.isRegularFile(gnCell.resolve("cell.json")), log);

        InProcessCli.Outcome nothingLeft = bench(concat(run, "--estimate"));
        assertEquals(0, nothingLeft.code(), nothingLeft.err());
        assertTrue(nothingLeft.out().contains("estimate: nothing left to run"), nothingLeft.out());

        // Another grid under the same run id is refused, as the run itself refuses it.
        Files.writeString(grid, GRID.replace("steps: 3", "steps: 4"));
        InProcessCli.Outcome other = bench(concat(run, "--estimate"));
        assertEquals(2, other.code(), other.out());
        assertTrue(other.err().contains("was started with a different grid"), other.err());
        InProcessCli.Outcome otherRun = bench(run);
        assertEquals(2, otherRun.code(), otherRun.out());
        assertTrue(otherRun.err().contains("was started with a different grid"), otherRun.err());
    }

    private static String[] concat(String[] a, String b) {
        String[] all = Arrays.copyOf(a, a.length + 1);
        all[a.length] = b;
        return all;
    }
}
