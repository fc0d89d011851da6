package org.normbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.normbench.results.RunComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code normbench compare RUN_A RUN_B}: does run B reproduce run A? Lives in the bench CLI so that
 * one {@code normbench} command does everything, but reads stored files only and never loads
 * libtorch.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Compare two stored runs cell by cell: difference in test accuracy and final training loss, and a verdict",
            "per cell: bit-for-bit, within seed spread (|d acc| <= 2 sd of the seeds, where a run has 2+ seeds), or differ.",
            "Then lists the recorded provenance that differs (CPU model, oneDNN ISA, libtorch, commit, threads).",
            "What reproduces where: README, section Reproducibility.",
            "",
            "Examples:",
            "  normbench compare cpu-smoke-reference cpu-smoke-20261128-081500",
            "  normbench compare reports/runs/a /elsewhere/runs/b",
            "",
            "Exit codes: 0 B reproduces A (no cell differs); 1 some cell differs; 2 bad input."
        })
public final class CompareCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "RUN_A",
            description = "Run id under --runs-dir, or a run directory.")
    String runA;

    @Parameters(
            index = "1",
            paramLabel = "RUN_B",
            description = "Run id under --runs-dir, or a run directory.")
    String runB;

    @Option(
            names = "--runs-dir",
            defaultValue = "reports/runs",
            paramLabel = "DIR",
            description = "Where run ids are looked up (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            RunComparison.Result r = RunComparison.compare(resolve(runA), resolve(runB));
            spec.commandLine().getOut().print(RunComparison.render(r));
            spec.commandLine().getOut().flush();
            return r.reproduced() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("normbench compare: " + e.getMessage());
            return 2;
        }
    }

    private Path resolve(String run) {
        Path asGiven = Path.of(run);
        if (Files.isDirectory(asGiven) && (asGiven.isAbsolute() || run.contains("/"))) {
            return asGiven;
        }
        Path underRuns = runsDir.resolve(run);
        if (Files.isDirectory(underRuns)) {
            return underRuns;
        }
        if (Files.isDirectory(asGiven)) {
            return asGiven;
        }
        throw new IllegalArgumentException(
                "no run '"
                        + run
                        + "': neither "
                        + underRuns
                        + " nor "
                        + asGiven
                        + " is a directory");
    }
}
