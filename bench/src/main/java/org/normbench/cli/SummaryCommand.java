package org.normbench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code normbench summary}: placeholder until its issue lands; says so and fails, never pretends. */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Per-layer table of a ResNet18 variant and its parameter count. (not yet implemented)")
public final class SummaryCommand implements Callable<Integer> {

    @CommandLine.Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("normbench summary: not yet implemented");
        return 1;
    }
}
