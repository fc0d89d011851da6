package org.normbench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code normbench merge}: placeholder until its issue lands; says so and fails, never pretends. */
@Command(name = "merge", mixinStandardHelpOptions = true, description = "Merge shard outputs into one run. (not yet implemented)")
public final class MergeCommand implements Callable<Integer> {

    @CommandLine.Unmatched
    java.util.List<String> ignored;

    @Override
    public Integer call() {
        System.err.println("normbench merge: not yet implemented");
        return 1;
    }
}
