package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.cli.InProcessCli;
import org.normbench.results.ResultsSchema;

/**
 * {@code --jobs 2} on the real engine: every cell's results (losses, accuracy, curves, activation
 * statistics) equal those of a sequential run with the same per-cell threads, only the finishing
 * order differs; a failing cell is recorded while its neighbours finish; a throughput cell runs
 * alone.
 */
class ConcurrentGridTest {
    @TempDir Path tmp;

    private static final String GRID =
            String.join(
                    "\n",
                    "name: jobs",
                    "dataset: fashion-mnist-subset",
                    "train_limit: 160",
                    "test_limit: 64",
                    "seeds: [0, 1]",
                    "train:",
                    "  width: 0.125",
                    "  norms: [bn, rbn]",
                    "  activations: [relu]",
                    "  batch_sizes: [8]",
                    "  steps: 8",
                    "  log_every_steps: 2",
                    "  hooks:",
                    "    every_steps: 4",
                    "throughput:",
                    "  devices: [cpu, gpu:7]",
                    "  width: 0.125",
                    "  norms: [gn]",
                    "  activations: [relu]",
                    "  batch_sizes: [4]",
                    "  warmup_steps: 1",
                    "  timed_steps: 2",
                    "");

    /**
     * Columns that measure time, memory or the CPU share a cell got, which concurrency may change.
     */
    private static final Set<String> MEASURED =
            Set.of(
                    "train_seconds",
                    "images_per_second",
                    "step_ms_median",
                    "step_ms_p90",
                    "peak_memory_bytes",
                    "started_at",
                    "finished_at",
                    "cpu_share",
                    "contended");

    @Test
    void twoJobsGiveTheSequentialResultsAndAFailedCellHarmsNoNeighbour() throws Exception {
        Path grid = tmp.resolve("jobs.yaml");
        Files.writeString(grid, GRID);
        Path runs = tmp.resolve("runs");
        String seqLog = bench(grid, runs, "seq", "--jobs", "1", "--threads", "1");
        String parLog = bench(grid, runs, "par", "--jobs", "2");
        assertTrue(parLog.contains("2 cells at once, 1 intra-op thread each"), parLog);
        assertTrue(parLog.contains("8 ran") && parLog.contains("6 ok, 2 error"), parLog);
        assertTrue(seqLog.contains("6 ok, 2 error"), seqLog);
        assertThroughputCellsRanAlone(runs.resolve("par").resolve(ResultsSchema.CELLS));

        assertEquals(
                rows(runs.resolve("seq").resolve(ResultsSchema.CELLS), true),
                rows(runs.resolve("par").resolve(ResultsSchema.CELLS), true));
        for (String table :
                List.of(
                        ResultsSchema.CURVES,
                        ResultsSchema.ACTIVATIONS,
                        ResultsSchema.HISTOGRAMS)) {
            List<String> seq = rows(runs.resolve("seq").resolve(table), false);
            assertTrue(seq.size() > 4, table);
            assertEquals(seq, rows(runs.resolve("par").resolve(table), false), table);
        }
        String manifest = Files.readString(runs.resolve("par").resolve("manifest.json"));
        assertTrue(manifest.contains("\"intra_op_threads_per_job\" : 1"), manifest);
    }

    /** No other cell ran between a throughput cell's start and end: it times steps. */
    private static void assertThroughputCellsRanAlone(Path csv) throws Exception {
        List<Map<String, String>> all = records(csv);
        int checked = 0;
        for (var t : all) {
            if (!t.get("kind").equals("throughput") || !t.get("status").equals("ok")) {
                continue;
            }
            checked++;
            Instant start = Instant.parse(t.get("started_at"));
            Instant end = Instant.parse(t.get("finished_at"));
            for (var other : all) {
                if (other == t) {
                    continue;
                }
                boolean overlaps =
                        Instant.parse(other.get("started_at")).isBefore(end)
                                && start.isBefore(Instant.parse(other.get("finished_at")));
                assertFalse(overlaps, t.get("cell_id") + " ran alongside " + other.get("cell_id"));
            }
        }
        assertEquals(2, checked, "the two CPU throughput cells");
    }

    private static String bench(Path grid, Path runs, String run, String... extra) {
        String[] args = Arrays.copyOf(extra, extra.length + 1);
        args[extra.length] = "--quiet";
        InProcessCli.Outcome o = InProcessCli.bench(grid, runs, run, args);
        assertEquals(1, o.code(), "some cells fail on purpose: " + o.log());
        return o.out();
    }

    /** The table's rows, sorted, with the measured columns blanked when {@code dropMeasured}. */
    private static List<String> rows(Path csv, boolean dropMeasured) throws Exception {
        List<String> out = new ArrayList<>();
        for (Map<String, String> r : records(csv)) {
            TreeMap<String, String> m = new TreeMap<>(r);
            if (dropMeasured) {
                MEASURED.forEach(m::remove);
            }
            out.add(m.toString());
        }
        out.sort(null);
        return out;
    }

    /** The table's rows as column -> value, in file order. */
    private static List<Map<String, String>> records(Path csv) throws Exception {
        try (var parser =
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .build()
                        .parse(Files.newBufferedReader(csv))) {
            List<Map<String, String>> out = new ArrayList<>();
            for (var r : parser) {
                out.add(r.toMap());
            }
            return out;
        }
    }
}
