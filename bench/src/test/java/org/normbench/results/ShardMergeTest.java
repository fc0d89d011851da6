package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardMergeTest {
    @TempDir Path runs;

    private RunDirectory shard(String id, int k, List<String> cells, String gridHash)
            throws Exception {
        RunDirectory run = RunDirectory.open(runs, id);
        for (String c : cells) {
            run.writeCell(RunDirectoryTest.cell(c, "ok", 2));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", 1);
        m.put("run_id", id);
        m.put("grid_sha256", gridHash);
        m.put("cells", List.of("a", "b", "c"));
        m.put("shard", Map.of("index", k, "count", 2));
        run.writeManifest(m);
        Files.writeString(run.root().resolve("grid.yaml"), "name: t\n");
        run.rebuildAggregates();
        return run;
    }

    @Test
    void mergesDisjointShardsIntoOneCompleteRun() throws Exception {
        RunDirectory s1 = shard("s1", 1, List.of("a", "c"), "h");
        RunDirectory s2 = shard("s2", 2, List.of("b"), "h");
        RunDirectory merged = RunDirectory.open(runs, "merged");
        ShardMerge.Result r = ShardMerge.merge(List.of(s1.root(), s2.root()), merged, false);
        assertEquals(3, r.cells());
        assertEquals(List.of("a", "b", "c"), merged.finishedCells());
        assertEquals(3, RunDirectoryTest.read(merged.root().resolve("cells.csv")).size());
        assertEquals(6, RunDirectoryTest.read(merged.root().resolve("curves.csv")).size());
        assertEquals("merged", merged.readManifest().orElseThrow().get("run_id"));
        assertTrue(Files.exists(merged.root().resolve("grid.yaml")));
    }

    @Test
    void refusesDuplicateMissingAndForeignGridCells() throws Exception {
        RunDirectory s1 = shard("s1", 1, List.of("a", "b"), "h");
        RunDirectory s2 = shard("s2", 2, List.of("b"), "other");
        RunDirectory merged = RunDirectory.open(runs, "merged");
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> ShardMerge.merge(List.of(s1.root(), s2.root()), merged, false));
        assertTrue(e.getMessage().contains("cell b is in two shards"), e.getMessage());
        assertTrue(e.getMessage().contains("ran a different grid"), e.getMessage());
        assertTrue(e.getMessage().contains("[c]"), e.getMessage());
        assertEquals(List.of(), merged.finishedCells(), "nothing is merged when a check fails");
    }
}
