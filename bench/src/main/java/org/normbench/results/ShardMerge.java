package org.normbench.results;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Combines the run directories of shards ({@code bench --shard k/N}) into one run. Cells are
 * independent directories, so merging is copying; what it checks is that every cell of the grid is
 * present exactly once and that all shards ran the same grid.
 */
public final class ShardMerge {

    /** What a merge did, for the CLI to print. */
    public record Result(int cells, int shards, List<String> missing) {}

    private ShardMerge() {}

    @SuppressWarnings("unchecked")
    public static Result merge(List<Path> shardDirs, RunDirectory target, boolean allowMissing)
            throws IOException {
        if (shardDirs.isEmpty()) {
            throw new IllegalArgumentException("no shard directories given");
        }
        Map<String, Path> owner = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Set<String> expected = new TreeSet<>();
        String gridHash = null;
        List<Map<String, Object>> shardInfo = new ArrayList<>();
        Map<String, Object> first = null;
        for (Path dir : shardDirs) {
            RunDirectory shard = RunDirectory.existing(dir);
            Map<String, Object> m =
                    shard.readManifest()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    dir
                                                            + ": no manifest.json; is this a normbench run directory?"));
            if (first == null) {
                first = m;
            }
            Object hash = m.get("grid_sha256");
            if (gridHash == null) {
                gridHash = String.valueOf(hash);
            } else if (!gridHash.equals(String.valueOf(hash))) {
                problems.add(
                        dir
                                + ": ran a different grid (grid_sha256 "
                                + hash
                                + " vs "
                                + gridHash
                                + ")");
            }
            Object all = m.get("cells");
            if (all instanceof List<?> list) {
                for (Object id : list) {
                    expected.add(String.valueOf(id));
                }
            }
            for (String id : shard.finishedCells()) {
                Path prev = owner.putIfAbsent(id, shard.cellsDir().resolve(id));
                if (prev != null) {
                    problems.add(
                            "cell "
                                    + id
                                    + " is in two shards: "
                                    + prev.getParent().getParent()
                                    + " and "
                                    + dir);
                }
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("run_id", m.get("run_id"));
            info.put("shard", m.get("shard"));
            info.put("host", m.get("host"));
            info.put("gpus", m.get("gpus"));
            info.put("started_at", m.get("started_at"));
            info.put("finished_at", m.get("finished_at"));
            shardInfo.add(info);
        }
        List<String> missing = new ArrayList<>();
        for (String id : expected) {
            if (!owner.containsKey(id)) {
                missing.add(id);
            }
        }
        Set<String> unexpected = new LinkedHashSet<>(owner.keySet());
        unexpected.removeAll(expected);
        if (!expected.isEmpty() && !unexpected.isEmpty()) {
            problems.add("cells not in the grid: " + unexpected);
        }
        if (!missing.isEmpty() && !allowMissing) {
            problems.add(
                    missing.size()
                            + " cell(s) of the grid are in no shard (rerun those shards, or pass --allow-missing): "
                            + missing);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cannot merge:\n  " + String.join("\n  ", problems));
        }
        for (Map.Entry<String, Path> e : owner.entrySet()) {
            target.importCell(e.getValue());
        }
        Path grid = shardDirs.get(0).resolve("grid.yaml");
        if (Files.isRegularFile(grid)) {
            target.writeFileAtomically(
                    target.root().resolve("grid.yaml"), Files.readAllBytes(grid));
        }
        Map<String, Object> manifest = new LinkedHashMap<>(first);
        manifest.put("run_id", target.runId());
        manifest.put("shard", null);
        manifest.put("merged_from", shardInfo);
        manifest.put("missing_cells", missing);
        target.writeManifest(manifest);
        target.rebuildAggregates();
        return new Result(owner.size(), shardDirs.size(), missing);
    }
}
