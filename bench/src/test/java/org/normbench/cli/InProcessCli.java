package org.normbench.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * normbench's command line run in this JVM with its stdout and stderr captured: how the end-to-end
 * tests drive {@code bench} on the real engine without the cost of a child JVM per run.
 */
public final class InProcessCli {
    private InProcessCli() {}

    /** The exit code and what the command printed. */
    public record Outcome(int code, String out, String err) {
        /** Both streams, for assertion messages. */
        public String log() {
            return out + err;
        }
    }

    /** {@code normbench <args>}. */
    public static Outcome run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Before the command line is made: picocli and the commands take the streams then.
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = NormbenchCli.commandLine().execute(args);
            return new Outcome(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /** {@code normbench bench --grid <grid> --run <run> --runs-dir <runs> <extra>}. */
    public static Outcome bench(Path grid, Path runs, String run, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "bench",
                                "--grid",
                                grid.toString(),
                                "--run",
                                run,
                                "--runs-dir",
                                runs.toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }
}
