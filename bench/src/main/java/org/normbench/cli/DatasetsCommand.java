package org.normbench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code normbench datasets}: placeholder until its issue lands; says so and fails, never pretends. */
@Command(name = "datasets", mixinStandardHelpOptions = true, description = "List known datasets, their cache state; --fetch NAME fetches one. (not yet implemented)")
public final class DatasetsCommand implements Callable<Integer> {

    @CommandLine.Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("normbench datasets: not yet implemented");
        return 1;
    }
}
