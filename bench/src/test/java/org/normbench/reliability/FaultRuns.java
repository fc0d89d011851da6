package org.normbench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.normbench.cli.NormbenchCli;
import org.normbench.results.ResultsSchema;

/**
 * Shared by the fault suite: child JVMs that run a grid (to be killed for real), what a finished
 * run's results say per cell, the checks that every stored file is whole, and the figures the suite
 * reports to docs/reliability.md ({@code target/reliability/<slug>.tsv}, one line {@code
 * figure<TAB>value}, collected by {@code make reliability-doc}).
 */
final class FaultRuns {
    /** Four tiny train cells (about a second each on 2 cores) on the committed subset. */
    static final String TINY_GRID =
            String.join(
                    "\n",
                    "name: faults-tiny",
                    "dataset: fashion-mnist-subset",
                    "train_limit: 64",
                    "test_limit: 32",
                    "train:",
                    "  width: 0.125",
                    "  norms: [bn, gn, ln, rbn]",
                    "  activations: [relu]",
                    "  batch_sizes: [8]",
                    "  steps: 8",
                    "  log_every_steps: 1",
                    "  hooks:",
                    "    every_steps: 2",
                    "");

    private FaultRuns() {}

    /**
     * A child JVM running {@code normbench bench} on {@code grid} into {@code runs/<runId>}, output
     * to {@code log}. One intra-op thread, so its losses can be compared bit for bit with other
     * children.
     */
    static Process child(Path grid, Path runs, String runId, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(
                        java,
                        "-Xmx1g",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=1",
                        NormbenchCli.class.getName(),
                        "bench",
                        "--grid",
                        grid.toString(),
                        "--run",
                        runId,
                        "--runs-dir",
                        runs.toString(),
                        "--quiet",
                        "--heartbeat",
                        "0");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.directory(log.getParent().toFile());
        return pb.start();
    }

    /**
     * Per finished cell: status, steps, losses and accuracy as written, and its logged training
     * losses.
     */
    static Map<String, String> outcome(Path run) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (CSVRecord r : read(run.resolve(ResultsSchema.CELLS))) {
            out.put(
                    r.get("cell_id"),
                    String.join(
                            "|",
                            r.get("status"),
                            r.get("steps"),
                            r.get("final_train_loss"),
                            r.get("test_loss"),
                            r.get("test_accuracy")));
        }
        for (CSVRecord r : read(run.resolve(ResultsSchema.CURVES))) {
            out.merge(
                    r.get("cell_id"),
                    "|" + r.get("step") + ":" + r.get("train_loss"),
                    String::concat);
        }
        return out;
    }

    /** No temporaries, every aggregate row complete and unique, cells.csv matching cells/. */
    static void assertWhole(Path run) throws IOException {
        assertEquals(List.of(), temporaries(run), "no temporaries left in " + run);
        List<String> cellDirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(run.resolve("cells"))) {
            s.forEach(p -> cellDirs.add(p.getFileName().toString()));
        }
        cellDirs.sort(null);
        List<CSVRecord> cells = read(run.resolve(ResultsSchema.CELLS));
        assertEquals(
                cellDirs,
                cells.stream().map(r -> r.get("cell_id")).sorted().toList(),
                "cells.csv matches cells/");
        assertUnique(cells, "cell_id");
        assertUnique(read(run.resolve(ResultsSchema.CURVES)), "cell_id", "step");
        assertUnique(read(run.resolve(ResultsSchema.ACTIVATIONS)), "cell_id", "step", "layer");
        assertUnique(
                read(run.resolve(ResultsSchema.HISTOGRAMS)), "cell_id", "step", "layer", "bin");
    }

    /**
     * Files or directories named {@code .tmp-*} in the run directory or its cells/ (a write in
     * progress).
     */
    static List<String> temporaries(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path dir : List.of(run, run.resolve("cells"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith(".tmp-"))
                            .forEach(out::add);
                }
            }
        }
        return out;
    }

    static int finishedCells(Path run) throws IOException {
        Path cells = run.resolve("cells");
        if (!Files.isDirectory(cells)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(cells)) {
            return (int) s.filter(p -> !p.getFileName().toString().startsWith(".tmp-")).count();
        }
    }

    static List<CSVRecord> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
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

    /** Writes one figure for docs/reliability.md's table (see the class comment). */
    static void figure(String slug, String figure, String value) throws IOException {
        Path dir = Path.of("target", "reliability");
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve(slug + ".tsv"), figure + "\t" + value + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Waits until {@code log} contains {@code text} or {@code p} exits; true when the text
     * appeared.
     */
    static boolean awaitLine(Process p, Path log, String text, long timeoutMillis)
            throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log)
                    && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
                return true;
            }
            if (!p.isAlive()) {
                return Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
            }
            Thread.sleep(20);
        }
        throw new AssertionError(
                "no '"
                        + text
                        + "' in "
                        + log
                        + " within "
                        + timeoutMillis
                        + " ms:\n"
                        + Files.readString(log));
    }
}
