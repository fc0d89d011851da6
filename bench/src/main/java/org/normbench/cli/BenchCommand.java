package org.normbench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code normbench bench}: placeholder until its issue lands; says so and fails, never pretends. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a grid of cells and store results under reports/runs/<run-id>/. (not yet implemented)")
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("normbench bench: not yet implemented");
        return 1;
    }
}
