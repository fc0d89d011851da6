package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.HistogramSeries;
import org.normbench.analysis.load.LayerStats;
import org.normbench.analysis.load.ResultsColumns;
import org.normbench.analysis.load.Run;
import org.normbench.analysis.load.RunLoader;
import org.normbench.cli.InProcessCli;

/**
 * The results format is one contract with two sides: a small real run written by {@code normbench
 * bench} (real engine, committed Fashion-MNIST subset, hooks on) is read by analysis's loader, and
 * every column of every file is accounted for: the columns bench writes are exactly those analysis
 * declares (required plus optional), so a column added on one side only fails here.
 */
class ResultsRoundTripTest {
    @TempDir Path tmp;

    private static final String GRID =
            String.join(
                    "\n",
                    "name: roundtrip",
                    "dataset: fashion-mnist-subset",
                    "train_limit: 64",
                    "test_limit: 32",
                    "validation_fraction: 0.25",
                    "train:",
                    "  width: 0.0625",
                    "  norms: [bn, gn]",
                    "  activations: [relu]",
                    "  batch_sizes: [8]",
                    "  steps: 4",
                    "  log_every_steps: 2",
                    "  validate_every_steps: 2",
                    "  hooks:",
                    "    every_steps: 2",
                    "    bins: 8",
                    "    dead_window: 2",
                    "throughput:",
                    "  width: 0.0625",
                    "  norms: [bn]",
                    "  activations: [relu]",
                    "  batch_sizes: [4]",
                    "  warmup_steps: 1",
                    "  timed_steps: 2",
                    "");

    @Test
    void aRunBenchWroteIsReadByAnalysisWithEveryColumnAccountedFor() throws Exception {
        Path grid = tmp.resolve("roundtrip.yaml");
        Files.writeString(grid, GRID);
        Path runs = tmp.resolve("runs");
        InProcessCli.Outcome bench = InProcessCli.bench(grid, runs, "rt", "--quiet");
        assertEquals(0, bench.code(), bench.log());
        Path runDir = runs.resolve("rt");

        for (ResultsColumns declared : ResultsColumns.values()) {
            String table = declared.fileName();
            assertTrue(ResultsSchema.TABLES.contains(table), table + " is no table bench writes");
            List<String> written = header(runDir.resolve(table));
            assertEquals(ResultsSchema.columnsOf(table), written, table);
            Set<String> analysisKnows = new TreeSet<>(declared.required());
            analysisKnows.addAll(declared.optional());
            assertEquals(analysisKnows, new TreeSet<>(written), table + ": written vs declared");
            assertTrue(written.containsAll(declared.required()), table);
            assertTrue(dataRows(runDir.resolve(table)) > 0, table + " has rows");
        }
        List<String> tablesAnalysisReads = new ArrayList<>();
        for (ResultsColumns c : ResultsColumns.values()) {
            tablesAnalysisReads.add(c.fileName());
        }
        assertEquals(ResultsSchema.TABLES, tablesAnalysisReads, "the tables of both sides");
        assertEquals(List.of(), ResultsColumns.unknownColumns(runDir));

        Run run = RunLoader.load(runDir);
        assertEquals(3, run.cells().size());
        Set<String> trainIds = new LinkedHashSet<>();
        for (Cell c : run.cells()) {
            assertTrue(c.isOk(), c.cellId() + " " + c.error());
            if (c.isTrain()) {
                trainIds.add(c.cellId());
                assertTrue(c.testAccuracy() >= 0 && c.testAccuracy() <= 1, c.cellId());
                assertTrue(Double.isFinite(c.finalTrainLoss()), c.cellId());
            } else {
                assertTrue(c.imagesPerSecond() > 0, c.cellId());
                assertTrue(Double.isNaN(c.testAccuracy()), "empty field read as missing");
            }
        }
        assertEquals(2, trainIds.size());
        assertEquals(trainIds, run.curves().keySet());
        assertEquals(trainIds, run.activations().keySet());
        for (String id : trainIds) {
            assertEquals(
                    rowsOf(runDir.resolve(ResultsSchema.CURVES), id),
                    run.curves().get(id).size(),
                    id + ": one curve point per curves.csv row");
            LayerStats stats = run.activations().get(id);
            assertFalse(stats.layers().isEmpty(), id);
            assertTrue(LayerStats.recorded(stats.zeroFrac()), id + " zero_frac");
            assertTrue(LayerStats.recorded(stats.nearZeroFrac()), id + " near_zero_frac");
            assertTrue(
                    LayerStats.recorded(stats.deadChannelFracWindow()),
                    id + " dead_channel_frac_window");
        }
        Map<String, HistogramSeries> histograms = run.histograms(trainIds);
        assertEquals(trainIds, histograms.keySet());
        for (HistogramSeries h : histograms.values()) {
            assertEquals(8, h.bins());
        }
    }

    private static List<String> header(Path csv) throws Exception {
        String first = Files.readAllLines(csv, StandardCharsets.UTF_8).get(0);
        return List.of(first.split(",", -1));
    }

    private static long rowsOf(Path csv, String cellId) throws Exception {
        try (var lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith(cellId + ",")).count();
        }
    }

    private static long dataRows(Path csv) throws Exception {
        try (var lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            return lines.count() - 1;
        }
    }
}
