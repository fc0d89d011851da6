package org.normbench.analysis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.normbench.analysis.figures.Figure;
import org.normbench.analysis.load.ResultsColumns;
import org.normbench.analysis.load.ResultsFormatException;
import org.normbench.analysis.load.RunLoader;
import org.normbench.analysis.report.ReportGenerator;
import org.normbench.analysis.synth.SyntheticRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code normbench-report}: regenerates the HTML report of stored runs ({@code make report}). Reads
 * only reports/runs/<run-id>/ (docs/results-format.md); never trains. A run that cannot be reported
 * (missing or malformed results) does not stop the others: each is reported if it can be, the ones
 * that could not are listed with file, line and reason at the end, and the exit status is 1. No
 * stack trace reaches the user unless {@code --debug} asks for it. The hidden {@code synth}
 * subcommand writes an invented run for development and timing; its numbers must never be cited.
 */
@Command(
        name = "normbench-report",
        mixinStandardHelpOptions = true,
        version = "normbench-report 0.1.0",
        sortOptions = false,
        subcommands = {ReportCli.Synth.class},
        description =
                "Writes <run>/report/index.html (self-contained), figures/*.svg|png and summary.csv "
                        + "from the stored results of one or more runs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:report(s) written",
            "1:a run's results are missing or malformed (the other runs are still reported)",
            "2:bad command line"
        })
public final class ReportCli implements Callable<Integer> {

    @Option(
            names = "--run",
            paramLabel = "ID",
            description = "Run id under --runs-dir (repeatable).")
    List<String> runs = new ArrayList<>();

    @Option(
            names = "--all",
            description =
                    "Every run directory under --runs-dir (those with a manifest.json, cells.csv or cells/).")
    boolean all;

    @Option(
            names = "--runs-dir",
            paramLabel = "DIR",
            defaultValue = "reports/runs",
            description = "Where runs are stored (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "Output directory (default: <run>/report). With several runs: DIR/<run-id>.")
    Path out;

    @Option(names = "--quiet", description = "Print nothing on success.")
    boolean quiet;

    @Option(
            names = "--debug",
            description =
                    "Print the stack trace of an unexpected error (a bug) instead of one line.")
    boolean debug;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (exit codes, error handling), for main and for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new ReportCli());
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        List<String> ids = new ArrayList<>(runs);
        if (all) {
            if (!Files.isDirectory(runsDir)) {
                err.println(
                        "error: --all: runs directory "
                                + runsDir
                                + " does not exist (run `make bench` first)");
                return 1;
            }
            try (var dirs = Files.list(runsDir)) {
                dirs.filter(ReportCli::looksLikeARun)
                        .map(d -> d.getFileName().toString())
                        .sorted()
                        .filter(id -> !ids.contains(id))
                        .forEach(ids::add);
            }
            if (ids.isEmpty()) {
                err.println(
                        "error: --all: no run (a directory with a manifest.json, cells.csv or cells/) under "
                                + runsDir);
                return 1;
            }
        }
        if (ids.isEmpty()) {
            err.println("error: name a run with --run ID, or use --all (see --help)");
            return 2;
        }
        for (String id : runs) {
            if (!isRunId(id)) {
                return badRunId(err, id);
            }
        }
        String generatedAt = generatedAt();
        List<String> failed = new ArrayList<>();
        for (String id : ids) {
            String problem = report(id, ids.size(), generatedAt, outw, err);
            if (problem != null) {
                err.println("error: " + problem);
                failed.add(id + ": " + problem);
            }
        }
        if (failed.size() > 0 && ids.size() > 1) {
            err.printf(
                    "%d of %d runs could not be reported%s:%n",
                    failed.size(),
                    ids.size(),
                    failed.size() < ids.size() ? " (the others were)" : "");
            failed.forEach(f -> err.println("  " + f));
        }
        outw.flush();
        err.flush();
        return failed.isEmpty() ? 0 : 1;
    }

    /**
     * Reports one run; null when done, else why it could not be (file, line and reason where
     * known).
     */
    private String report(
            String id, int runCount, String generatedAt, PrintWriter outw, PrintWriter err) {
        if (!isRunId(id)) {
            return runsDir.resolve(id)
                    + ": run id '"
                    + id
                    + "' is not allowed (letters, digits, '.', '_', '-' only)";
        }
        Path runDir = runsDir.resolve(id);
        Path target =
                out == null ? runDir.resolve("report") : runCount == 1 ? out : out.resolve(id);
        long start = System.nanoTime();
        try {
            ReportGenerator.Result result = ReportGenerator.generate(runDir, target, generatedAt);
            if (!quiet) {
                for (String warning : ResultsColumns.unknownColumns(runDir)) {
                    err.println("warning: " + id + ": " + warning);
                }
                long rendered = result.figures().stream().filter(Figure::isRendered).count();
                outw.printf(
                        "%s: %d of %d figures (%s) in %.1f s -> %s%n",
                        id,
                        rendered,
                        result.figures().size(),
                        String.join(
                                " ",
                                result.figures().stream()
                                        .map(f -> f.isRendered() ? f.id() : f.id() + "(skipped)")
                                        .toList()),
                        (System.nanoTime() - start) / 1e9,
                        result.index());
            }
            return null;
        } catch (ResultsFormatException e) {
            return e.getMessage();
        } catch (IOException e) {
            return unreadable(id, e);
        } catch (UncheckedIOException e) {
            return unreadable(id, e.getCause());
        } catch (RuntimeException e) {
            if (debug) {
                e.printStackTrace(err);
            }
            return id
                    + ": unexpected "
                    + e.getClass().getSimpleName()
                    + ": "
                    + e.getMessage()
                    + (debug ? "" : " (a bug in normbench-report; --debug prints the stack trace)");
        }
    }

    private static String unreadable(String id, IOException e) {
        String what =
                e instanceof NoSuchFileException
                        ? "no such file"
                        : e instanceof AccessDeniedException
                                ? "permission denied"
                                : e instanceof FileSystemException fs && fs.getReason() != null
                                        ? fs.getReason()
                                        : e.getClass().getSimpleName();
        String where =
                e instanceof FileSystemException fs && fs.getFile() != null
                        ? fs.getFile()
                        : e.getMessage();
        return where + ": cannot read (" + what + ") while reporting " + id;
    }

    /**
     * A directory that holds (or held) a run: its manifest, its cells table or its per-cell
     * results.
     */
    private static boolean looksLikeARun(Path dir) {
        return Files.isRegularFile(dir.resolve("manifest.json"))
                || Files.exists(dir.resolve("cells.csv"))
                || Files.isDirectory(dir.resolve("cells"));
    }

    private static boolean isRunId(String id) {
        return RunLoader.RUN_ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    private static int badRunId(PrintWriter err, String id) {
        err.println(
                "error: --run '" + id + "': run ids use letters, digits, '.', '_' and '-' only");
        return 2;
    }

    /**
     * Now, to the second, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention), so
     * that a regenerated report can be made byte-identical including its one timestamp.
     */
    static String generatedAt() {
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch != null && epoch.matches("\\d{1,12}")) {
            return Instant.ofEpochSecond(Long.parseLong(epoch)).toString();
        }
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Hidden developer command: writes an invented run in the results format. */
    @Command(
            name = "synth",
            hidden = true,
            mixinStandardHelpOptions = true,
            description =
                    "Write a synthetic (invented) run in the results format, for development and timing.")
    static final class Synth implements Callable<Integer> {
        @Option(
                names = "--preset",
                defaultValue = "small",
                description =
                        "small | full (full-profile size) | findings (3 seeds, batch 2 and 32, train cells only).")
        String preset;

        @Option(
                names = "--run-id",
                defaultValue = "synthetic",
                description = "Run id (default: ${DEFAULT-VALUE}).")
        String runId;

        @Option(
                names = "--runs-dir",
                paramLabel = "DIR",
                defaultValue = "reports/runs",
                description = "Where to write.")
        Path runsDir;

        @Override
        public Integer call() throws IOException {
            if (!RunLoader.RUN_ID.matcher(runId).matches()) {
                System.err.println(
                        "error: --run-id '" + runId + "': letters, digits, '.', '_' and '-' only");
                return 2;
            }
            SyntheticRun.Spec s =
                    switch (preset) {
                        case "small" -> SyntheticRun.Spec.small(runId);
                        case "full" -> SyntheticRun.Spec.fullProfile(runId);
                        case "findings" ->
                                SyntheticRun.Spec.findings(
                                        runId, 3, SyntheticRun.Effects.published());
                        default -> null;
                    };
            if (s == null) {
                System.err.println(
                        "error: --preset '"
                                + preset
                                + "': allowed values are small, full, findings");
                return 2;
            }
            System.out.println(SyntheticRun.write(runsDir, s));
            return 0;
        }
    }
}
