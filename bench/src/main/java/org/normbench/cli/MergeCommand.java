package org.normbench.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.normbench.results.RunDirectory;
import org.normbench.results.ShardMerge;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code normbench merge}: one run from the run directories of several shards. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = {
            "Merge shard runs (bench --shard k/N) into one run directory.",
            "Checks that all shards ran the same grid and that every cell is present exactly once.",
            "Example: normbench merge --run full-2026 reports/runs/full-2026-shard-*"
        })
public final class MergeCommand implements Callable<Integer> {

    @Option(
            names = "--run",
            required = true,
            description = "Run id of the merged run (created under --runs-dir).")
    String runId;

    @Option(
            names = "--runs-dir",
            defaultValue = "reports/runs",
            description = "Where runs live (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(
            names = "--allow-missing",
            description = "Merge even if some cells of the grid are in no shard.")
    boolean allowMissing;

    @Parameters(
            arity = "1..*",
            paramLabel = "SHARD_DIR",
            description = "Run directories of the shards.")
    List<Path> shards;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            RunDirectory target = RunDirectory.open(runsDir, runId);
            ShardMerge.Result r = ShardMerge.merge(shards, target, allowMissing);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "merged %d cells from %d shards into %s%s%n",
                            r.cells(),
                            r.shards(),
                            target.root(),
                            r.missing().isEmpty()
                                    ? ""
                                    : " (" + r.missing().size() + " cells missing)");
            return 0;
        } catch (IllegalStateException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("normbench merge: " + e.getMessage());
            return 2;
        }
    }
}
