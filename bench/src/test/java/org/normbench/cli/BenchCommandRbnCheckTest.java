package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.model.norms.RunningBatchNormBlock;
import org.normbench.results.ResultsSchema;

/**
 * Where rbn's training step runs optimised, {@code bench} checks it against the op-by-op step
 * before the first cell and records the outcome in the manifest; where it does not (the CPU by
 * default), nothing is checked.
 */
class BenchCommandRbnCheckTest {
    @TempDir Path tmp;

    private static final String GRID =
            String.join(
                    "\n",
                    "name: rbn-check",
                    "dataset: fashion-mnist-subset",
                    "train_limit: 32",
                    "test_limit: 16",
                    "train:",
                    "  width: 0.125",
                    "  norms: [rbn]",
                    "  activations: [relu]",
                    "  batch_sizes: [8]",
                    "  steps: 2",
                    "  hooks: {enabled: false}",
                    "");

    @Test
    void theOptimisedStepIsCheckedBeforeTheFirstCellWhereItRuns() throws Exception {
        Path grid = tmp.resolve("g.yaml");
        Files.writeString(grid, GRID);
        Path runs = tmp.resolve("runs");

        InProcessCli.Outcome plain = InProcessCli.bench(grid, runs, "plain", "--quiet");
        assertEquals(0, plain.code(), plain.log());
        assertFalse(plain.out().contains("rbn optimised step"), plain.out());
        assertFalse(manifest(runs, "plain").has("rbn_fuse_check"));

        String key = RunningBatchNormBlock.FUSE_PROPERTY;
        System.setProperty(key, "on");
        InProcessCli.Outcome optimised;
        InProcessCli.Outcome concurrent;
        try {
            optimised = InProcessCli.bench(grid, runs, "optimised", "--quiet");
            // With jobs, a cell on 'auto' may land on any device of the pool: each is checked.
            concurrent = InProcessCli.bench(grid, runs, "jobs", "--quiet", "--jobs", "2");
        } finally {
            System.clearProperty(key);
        }
        assertEquals(0, concurrent.code(), concurrent.log());
        assertTrue(
                manifest(runs, "jobs")
                        .path("rbn_fuse_check")
                        .path("cpu")
                        .asText()
                        .startsWith("passed: 9 steps"),
                concurrent.out());
        assertEquals(0, optimised.code(), optimised.log());
        String line = "rbn optimised step on cpu: passed: 9 steps against op by op";
        int checkAt = optimised.out().indexOf(line);
        assertTrue(
                checkAt >= 0 && checkAt < optimised.out().indexOf("ok       train-rbn-"),
                "checked before the cell:\n" + optimised.out());
        JsonNode m = manifest(runs, "optimised");
        assertEquals("on", m.get("rbn_fuse").asText());
        assertTrue(
                m.path("rbn_fuse_check").path("cpu").asText().startsWith("passed: 9 steps"),
                m.toString());
    }

    private static JsonNode manifest(Path runs, String run) throws Exception {
        return new ObjectMapper()
                .readTree(runs.resolve(run).resolve(ResultsSchema.MANIFEST).toFile());
    }
}
