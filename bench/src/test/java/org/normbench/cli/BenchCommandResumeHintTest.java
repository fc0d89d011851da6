package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The resume hint {@code bench} prints at the start gives back the options the user ran with. */
class BenchCommandResumeHintTest {

    private static String hint(String... args) {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs(args);
        return bench.resumeCommand("r1", "cpu-smoke");
    }

    @Test
    void jobsAndThreadsComeBackWhenGiven() {
        assertEquals(
                "bench/bin/normbench bench --profile cpu-smoke --run r1 --jobs 2 --threads 1"
                        + " --quiet",
                hint("--run", "r1", "--jobs", "2", "--threads", "1", "--quiet"));
        assertEquals(
                "bench/bin/normbench bench --profile cpu-smoke --run r1 --jobs auto",
                hint("--run", "r1", "--jobs", "auto"));
    }

    @Test
    void withoutThemTheHintIsUnchanged() {
        assertEquals(
                "bench/bin/normbench bench --grid g.yaml --run r1 --shard 1/4",
                hint("--grid", "g.yaml", "--run", "r1", "--shard", "1/4"));
    }
}
