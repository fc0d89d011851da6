package org.normbench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.cli.InProcessCli;
import org.normbench.results.ResultsSchema;

/**
 * A real (tiny) run records what it ran under - load, CPU time, CPU model and ISA, threads - and
 * each cell its CPU share; in a log it prints heartbeat lines and the exact command to resume; a
 * run written with another cells.csv column list is not resumed.
 */
class RunRecordsConditionsTest {
    @TempDir Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void manifestCellsAndLogSayWhatTheRunRanUnder() throws Exception {
        Path grid = tmp.resolve("grid.yaml");
        Files.writeString(
                grid,
                String.join(
                        "\n",
                        "name: conditions",
                        "dataset: fashion-mnist-subset",
                        "train_limit: 400",
                        "test_limit: 32",
                        "width: 0.125",
                        "activations: [relu]",
                        "batch_sizes: [4]",
                        "train:",
                        "  norms: [bn]",
                        "  steps: 100",
                        "  hooks: {enabled: false}",
                        "throughput:",
                        "  norms: [gn]",
                        "  warmup_steps: 1",
                        "  timed_steps: 150",
                        ""));
        Path runs = tmp.resolve("runs");
        InProcessCli.Outcome run = InProcessCli.bench(grid, runs, "c", "--heartbeat", "1");
        String log = run.out();
        assertEquals(0, run.code(), run.log());
        assertTrue(
                log.contains(
                        "to resume if stopped: bench/bin/normbench bench --grid "
                                + grid
                                + " --run c --runs-dir "
                                + runs),
                log);
        assertTrue(
                Pattern.compile(
                                "train-bn-relu-bs4-w0\\.125-cpu-s0  step \\d+/100  loss \\d+\\.\\d{4}  \\d+ img/s  elapsed \\dm\\d\\ds  ETA \\dm\\d\\ds")
                        .matcher(log)
                        .find(),
                "a heartbeat line during the 100-step cell:\n" + log);
        assertTrue(
                log.contains("throughput-gn-relu-bs4-w0.125-cpu-s0  step "),
                "a heartbeat during the 151-step throughput cell:\n" + log);

        Map<String, Object> m =
                new ObjectMapper()
                        .readValue(
                                runs.resolve("c").resolve(ResultsSchema.MANIFEST).toFile(),
                                Map.class);
        Map<String, Object> cpu = (Map<String, Object>) m.get("cpu");
        assertNotNull(cpu.get("model"), "CPU model string");
        assertTrue(
                String.valueOf(cpu.get("onednn_isa"))
                        .matches("sse41|avx|avx2.*|avx512.*|avx10.*|generic"),
                cpu.toString());
        Map<String, Object> threads = (Map<String, Object>) m.get("threads");
        assertEquals(
                2,
                threads.get("intra_op"),
                "surefire's -Dai.djl.pytorch.num_threads=2 reached libtorch: " + threads);
        assertEquals("PASSIVE", threads.get("OMP_WAIT_POLICY"));
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) m.get("conditions");
        assertEquals(1, conditions.size());
        Map<String, Object> c = conditions.get(0);
        assertEquals(3, ((List<?>) c.get("load_average_start")).size());
        assertEquals(3, ((List<?>) c.get("load_average_end")).size());
        assertTrue(((Number) c.get("wall_seconds")).doubleValue() > 0);
        assertTrue(((Number) c.get("process_cpu_seconds")).doubleValue() > 0);
        double share = ((Number) c.get("cpu_share")).doubleValue();
        assertTrue(share > 0 && share <= 1, c.toString());

        for (CSVRecord r : FaultRuns.read(runs.resolve("c").resolve(ResultsSchema.CELLS))) {
            double cellShare = Double.parseDouble(r.get("cpu_share"));
            assertTrue(cellShare > 0 && cellShare <= 1, r.toString());
            assertEquals(String.valueOf(cellShare < 0.8), r.get("contended"), r.toString());
        }

        // A run whose cells were written with another column list (an older version) is not
        // resumed.
        Path cellCsv =
                runs.resolve("c")
                        .resolve("cells")
                        .resolve("train-bn-relu-bs4-w0.125-cpu-s0")
                        .resolve(ResultsSchema.CELLS);
        List<String> lines = Files.readAllLines(cellCsv);
        lines.set(0, lines.get(0).replace(",cpu_share,contended", ""));
        Files.write(cellCsv, lines);
        InProcessCli.Outcome resumed = InProcessCli.bench(grid, runs, "c");
        assertEquals(2, resumed.code(), resumed.log());
        assertTrue(resumed.err().contains("lacks cpu_share, contended"), resumed.err());
    }
}
