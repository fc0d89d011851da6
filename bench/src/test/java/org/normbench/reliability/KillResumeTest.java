package org.normbench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code SIGKILL}s of a child JVM running a grid, at random moments (uniform over the time an
 * uninterrupted run of the grid takes, so they fall while a cell trains, while a cell or the
 * aggregates are written, between cells) and, every third kill, the moment a cell's temporary
 * directory appears (a write in progress); each followed by a resume with the same run id. Every
 * resumed run must end equal to an uninterrupted run of the same grid: the same cells, statuses,
 * losses, accuracies and loss curves (bit for bit: one thread, CPU), and whole files (no partial or
 * duplicate rows, no temporaries). {@code make test} kills 3 times; the {@code faults} suite
 * ({@code make test-faults}) {@code normbench.faults.kills} times (24) and reports the figures.
 */
class KillResumeTest {
    private static final String STARTED = "to resume if stopped:";

    @TempDir Path tmp;

    @Test
    void threeKillsResumeToTheUninterruptedResult() throws Exception {
        killAndResume(3, 1);
    }

    @Tag("faults")
    @Test
    void manyKillsResumeToTheUninterruptedResult() throws Exception {
        Tally t = killAndResume(Integer.getInteger("normbench.faults.kills", 24), 2);
        FaultRuns.figure(
                "kills-survived",
                "kills survived",
                String.format(
                        Locale.ROOT,
                        "%d (SIGKILL of a child JVM at random moments: %d while a file was being written, %d while training or between cells;"
                                + " each resumed, in %d runs)",
                        t.kills,
                        t.midWrite,
                        t.kills - t.midWrite,
                        t.runs));
        FaultRuns.figure(
                "cells-lost",
                "cells lost",
                String.format(
                        Locale.ROOT,
                        "%d (of %d cells in %d killed-and-resumed runs; no partial or duplicate rows)",
                        t.lost,
                        t.compared,
                        t.runs));
        FaultRuns.figure(
                "determinism-checks",
                "determinism checks passed",
                String.format(
                        Locale.ROOT,
                        "%d of %d (each cell of each resumed run equal bit for bit to an uninterrupted run: status, losses, accuracy, curve)",
                        t.equal,
                        t.compared));
    }

    record Tally(int kills, int midWrite, int runs, int compared, int equal, int lost) {}

    private Tally killAndResume(int kills, long seed) throws Exception {
        Path grid = tmp.resolve("grid.yaml");
        Files.writeString(grid, FaultRuns.TINY_GRID);
        Path runs = tmp.resolve("runs");
        Path log = tmp.resolve("child.log");

        Process ref = FaultRuns.child(grid, runs, "uninterrupted", log);
        FaultRuns.awaitLine(ref, log, STARTED, TimeUnit.MINUTES.toMillis(3));
        long gridStart = System.nanoTime();
        assertTrue(ref.waitFor(5, TimeUnit.MINUTES), "uninterrupted run finished");
        long gridMillis =
                Math.max(500, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gridStart));
        assertEquals(0, ref.exitValue(), Files.readString(log));
        Map<String, String> expected = FaultRuns.outcome(runs.resolve("uninterrupted"));
        assertEquals(4, expected.size());

        SplittableRandom rng = new SplittableRandom(seed);
        int killed = 0;
        int midWrite = 0;
        int compared = 0;
        int equal = 0;
        int lost = 0;
        List<String> differences = new ArrayList<>();
        int runIndex = 0;
        while (killed < kills) {
            String id = "killed-" + runIndex++;
            Path run = runs.resolve(id);
            boolean finished = false;
            while (!finished) {
                Process p = FaultRuns.child(grid, runs, id, log);
                if (killed >= kills) {
                    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "final resume finished");
                    assertEquals(0, p.exitValue(), Files.readString(log));
                    break;
                }
                long skipBefore = Files.exists(log) ? Files.size(log) : 0;
                FaultRuns.awaitLine(p, log, STARTED, TimeUnit.MINUTES.toMillis(3));
                if (killed % 3 == 2) {
                    // Targeted: the moment a cell is being written.
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * gridMillis);
                    while (p.isAlive()
                            && FaultRuns.temporaries(run).isEmpty()
                            && System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                } else {
                    // Random: anywhere in the time the grid takes from its start (manifest
                    // written).
                    Thread.sleep(rng.nextLong(gridMillis));
                }
                if (!p.isAlive()) {
                    assertEquals(
                            0, p.exitValue(), Files.readString(log).substring((int) skipBefore));
                    finished = true;
                    break;
                }
                p.destroyForcibly();
                assertTrue(p.waitFor(1, TimeUnit.MINUTES));
                killed++;
                if (!FaultRuns.temporaries(run).isEmpty()) {
                    midWrite++;
                }
            }
            FaultRuns.assertWhole(run);
            Map<String, String> got = FaultRuns.outcome(run);
            for (Map.Entry<String, String> e : expected.entrySet()) {
                compared++;
                String g = got.get(e.getKey());
                if (g == null) {
                    lost++;
                    differences.add(id + ": " + e.getKey() + " missing");
                } else if (g.equals(e.getValue())) {
                    equal++;
                } else {
                    differences.add(
                            id + ": " + e.getKey() + " differs:\n  " + g + "\n  " + e.getValue());
                }
            }
            assertEquals(expected.keySet(), got.keySet(), "cell set of " + id);
        }
        assertEquals(List.of(), differences, "resumed runs equal the uninterrupted run");
        assertEquals(kills, killed);
        return new Tally(killed, midWrite, runIndex, compared, equal, lost);
    }
}
