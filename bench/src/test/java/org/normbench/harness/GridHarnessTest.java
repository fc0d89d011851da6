package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.cli.InProcessCli;
import org.normbench.cli.NormbenchCli;
import org.normbench.results.ResultsSchema;

/**
 * The grid harness end to end on the real engine and the committed Fashion-MNIST subset: a killed
 * run resumes without redoing finished cells and leaves every CSV whole; a diverging cell is
 * recorded as such while the others finish.
 */
class GridHarnessTest {
    @TempDir Path tmp;

    private static final String TINY =
            String.join(
                    "\n",
                    "name: tiny",
                    "dataset: fashion-mnist-subset",
                    "train_limit: 200",
                    "test_limit: 100",
                    "train:",
                    "  width: 0.125",
                    "  norms: [bn, gn, ln]",
                    "  activations: [relu, leaky_relu]",
                    "  batch_sizes: [8]",
                    "  steps: 12",
                    "  log_every_steps: 2",
                    "  hooks:",
                    "    every_steps: 4",
                    "");

    @Test
    void killedRunResumesWithoutRedoingFinishedCellsAndLeavesWholeCsv() throws Exception {
        Path grid = tmp.resolve("tiny.yaml");
        Files.writeString(grid, TINY);
        Path runs = tmp.resolve("runs");
        Path cells = runs.resolve("k").resolve("cells");

        // Start a real child JVM and SIGKILL it once at least one cell has finished (mid-grid).
        Process p = child(grid, runs);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (finished(cells).size() < 2 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(
                p.isAlive(), "the grid finished before it could be killed; make the grid longer");
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        List<String> before = finished(cells);
        assertFalse(before.isEmpty());
        assertTrue(before.size() < 6, "killed mid-grid");
        Map<String, byte[]> kept = new HashMap<>();
        for (String id : before) {
            kept.put(id, Files.readAllBytes(cells.resolve(id).resolve("cell.json")));
        }

        // Rerun with the same run id, in-process: finished cells are skipped, the rest complete.
        InProcessCli.Outcome rerun = InProcessCli.bench(grid, runs, "k", "--quiet");
        String log = rerun.out();
        assertEquals(0, rerun.code(), rerun.log());
        assertTrue(log.contains(before.size() + " already finished"), log);
        assertEquals(6, finished(cells).size());
        for (String id : before) {
            assertTrue(
                    Arrays.equals(
                            kept.get(id),
                            Files.readAllBytes(cells.resolve(id).resolve("cell.json"))),
                    "finished cell " + id + " was not rerun");
        }
        try (var s = Files.list(cells)) {
            assertTrue(
                    s.noneMatch(f -> f.getFileName().toString().startsWith(".tmp-")),
                    "no temporaries left");
        }

        Path run = runs.resolve("k");
        List<CSVRecord> cellRows = read(run.resolve(ResultsSchema.CELLS));
        assertEquals(6, cellRows.size());
        assertEquals(
                6,
                new HashSet<>(cellRows.stream().map(r -> r.get("cell_id")).toList()).size(),
                "no duplicate cells");
        assertTrue(
                cellRows.stream().allMatch(r -> r.get("status").equals("ok")),
                "all ok: " + cellRows);
        assertUnique(read(run.resolve(ResultsSchema.CURVES)), "cell_id", "step");
        assertUnique(read(run.resolve(ResultsSchema.ACTIVATIONS)), "cell_id", "step", "layer");
        assertUnique(
                read(run.resolve(ResultsSchema.HISTOGRAMS)), "cell_id", "step", "layer", "bin");
        assertEquals(
                6 * 6, read(run.resolve(ResultsSchema.CURVES)).size(), "12 steps logged every 2");
    }

    @Test
    void sigtermStopsAtAStepBoundaryWritesWholeFilesAndTheRunResumes() throws Exception {
        Path grid = tmp.resolve("tiny.yaml");
        Files.writeString(grid, TINY);
        Path runs = tmp.resolve("runs");
        Path run = runs.resolve("k");
        Path cells = run.resolve("cells");
        Path log = tmp.resolve("child.log");

        // SIGTERM (Process.destroy) once a cell has finished: the JVM must not crash inside a
        // libtorch kernel (no hs_err file) and must say how to resume.
        Process p = child(grid, runs, log);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (finished(cells).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(
                p.isAlive(), "the grid finished before it could be stopped; make the grid longer");
        p.destroy();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "a stopped run exits within its grace period");
        String out = Files.readString(log);
        assertEquals(143, p.exitValue(), out);
        assertTrue(out.contains("stop requested"), out);
        assertTrue(out.contains("stopped: 6 cells"), out);
        try (var s = Files.list(tmp)) {
            assertTrue(
                    s.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")),
                    "the JVM crashed:\n" + out);
        }
        List<String> before = finished(cells);
        assertTrue(before.size() < 6, "stopped mid-grid");
        List<CSVRecord> rows = read(run.resolve(ResultsSchema.CELLS));
        assertEquals(
                before,
                rows.stream().map(r -> r.get("cell_id")).sorted().toList(),
                "cells.csv matches cells/");
        assertEquals(
                before,
                read(run.resolve(ResultsSchema.CURVES)).stream()
                        .map(r -> r.get("cell_id"))
                        .distinct()
                        .sorted()
                        .toList(),
                "curves.csv was rebuilt before exit");
        String manifest = Files.readString(run.resolve(ResultsSchema.MANIFEST));
        assertTrue(manifest.contains("\"stopped_at\""), manifest);

        InProcessCli.Outcome resumed = InProcessCli.bench(grid, runs, "k", "--quiet");
        assertEquals(0, resumed.code(), resumed.log());
        assertEquals(6, read(run.resolve(ResultsSchema.CELLS)).size());
        assertUnique(read(run.resolve(ResultsSchema.CURVES)), "cell_id", "step");
    }

    @Test
    void aDivergingCellIsRecordedAndTheGridGoesOn() throws Exception {
        Path grid = tmp.resolve("diverge.yaml");
        // A learning rate of 1e6 makes the train cell's loss explode within a few steps; the
        // throughput cell of the same grid must still run and be ok.
        Files.writeString(
                grid,
                String.join(
                        "\n",
                        "name: diverge",
                        "dataset: fashion-mnist-subset",
                        "train_limit: 100",
                        "test_limit: 50",
                        "width: 0.125",
                        "activations: [relu]",
                        "batch_sizes: [8]",
                        "train:",
                        "  norms: [gn]",
                        "  steps: 10",
                        "  divergence_loss: 50",
                        "  hooks: {enabled: false}",
                        "  lr: 1.0e+6",
                        "throughput:",
                        "  norms: [bn]",
                        "  warmup_steps: 1",
                        "  timed_steps: 2",
                        ""));
        Path runs = tmp.resolve("runs");
        InProcessCli.Outcome run = InProcessCli.bench(grid, runs, "d", "--quiet");
        assertEquals(1, run.code(), "exit code 1 says some cell failed\n" + run.log());
        List<CSVRecord> rows = read(runs.resolve("d").resolve(ResultsSchema.CELLS));
        List<String> statuses = new ArrayList<>();
        for (CSVRecord r : rows) {
            statuses.add(r.get("kind") + ":" + r.get("status"));
            if (r.get("status").equals("diverged")) {
                assertFalse(r.get("error").isBlank(), "a diverged cell says why");
                assertEquals("", r.get("test_accuracy"), "no test metrics for a diverged cell");
            }
        }
        assertTrue(statuses.contains("train:diverged"), statuses.toString());
        assertTrue(statuses.contains("throughput:ok"), statuses.toString());
    }

    private static Process child(Path grid, Path runs) throws Exception {
        return child(grid, runs, null);
    }

    /**
     * A child JVM running the grid; its output goes to {@code log} (discarded when null), its
     * working directory is the log's.
     */
    private static Process child(Path grid, Path runs, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=1",
                        NormbenchCli.class.getName(),
                        "bench",
                        "--grid",
                        grid.toString(),
                        "--run",
                        "k",
                        "--runs-dir",
                        runs.toString(),
                        "--quiet");
        pb.redirectErrorStream(true)
                .redirectOutput(
                        log == null
                                ? ProcessBuilder.Redirect.DISCARD
                                : ProcessBuilder.Redirect.to(log.toFile()));
        if (log != null) {
            pb.directory(log.getParent().toFile());
        }
        return pb.start();
    }

    private static List<String> finished(Path cells) throws Exception {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(cells)) {
            return out;
        }
        try (var s = Files.list(cells)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".tmp-") && Files.isRegularFile(p.resolve("cells.csv"))) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static List<CSVRecord> read(Path file) throws Exception {
        try (Reader r = Files.newBufferedReader(file)) {
            return CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(r)
                    .getRecords();
        }
    }

    private static void assertUnique(List<CSVRecord> rows, String... key) {
        Set<String> seen = new HashSet<>();
        for (CSVRecord r : rows) {
            StringBuilder k = new StringBuilder();
            for (String c : key) {
                k.append(r.get(c)).append('|');
            }
            assertTrue(seen.add(k.toString()), "duplicate row " + k);
            assertEquals(r.getParser().getHeaderNames().size(), r.size(), "partial row " + r);
        }
    }
}
