package org.normbench.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.synth.SyntheticRun;
import picocli.CommandLine;

class ReportCliTest {
    @TempDir Path runs;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = ReportCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static SyntheticRun.Spec tiny(String id) {
        return new SyntheticRun.Spec(
                id,
                List.of(4),
                List.of("gn"),
                List.of("relu"),
                1,
                10,
                1,
                5,
                2,
                8,
                false,
                false,
                false);
    }

    @Test
    void allWritesAReportForEveryRunWithAManifest() throws IOException {
        System.setProperty("java.awt.headless", "true");
        SyntheticRun.write(runs, tiny("a-run"));
        SyntheticRun.write(runs, tiny("b-run"));
        Files.createDirectories(runs.resolve("not-a-run"));
        assertEquals(0, run("--all", "--runs-dir", runs.toString()), err.toString());
        assertTrue(Files.isRegularFile(runs.resolve("a-run/report/index.html")));
        assertTrue(Files.isRegularFile(runs.resolve("b-run/report/index.html")));
        assertTrue(
                out.toString()
                        .startsWith(
                                "a-run: 5 of 7 figures (F1 F2 F3 F4 F5 F6(skipped) F7(skipped))"),
                out.toString());
        assertTrue(out.toString().contains("b-run: "), out.toString());
    }

    @Test
    void quietPrintsNothingAndOutWritesElsewhere() throws IOException {
        System.setProperty("java.awt.headless", "true");
        SyntheticRun.write(runs, tiny("q"));
        Path target = runs.resolve("elsewhere");
        assertEquals(
                0,
                run(
                        "--run",
                        "q",
                        "--runs-dir",
                        runs.toString(),
                        "--out",
                        target.toString(),
                        "--quiet"));
        assertEquals("", out.toString());
        assertTrue(Files.isRegularFile(target.resolve("index.html")));
    }

    @Test
    void malformedRunExitsOneWithFileLineAndColumn() throws IOException {
        Path dir = SyntheticRun.write(runs, tiny("bad"));
        Path cells = dir.resolve("cells.csv");
        Files.writeString(cells, Files.readString(cells).replace(",4,cpu,", ",four,cpu,"));
        assertEquals(1, run("--run", "bad", "--runs-dir", runs.toString()));
        assertEquals(
                "error: " + cells + ":2: column 'batch_size': 'four' is not an integer",
                err.toString().strip());
    }

    @Test
    void anUnknownColumnIsNamedInAWarningAndTheRunIsStillReported() throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path dir = SyntheticRun.write(runs, tiny("extra"));
        Path cells = dir.resolve("cells.csv");
        List<String> lines = Files.readAllLines(cells);
        StringBuilder edited = new StringBuilder(lines.get(0)).append(",surplus_column\n");
        for (String line : lines.subList(1, lines.size())) {
            edited.append(line).append(",x\n");
        }
        Files.writeString(cells, edited);

        assertEquals(0, run("--run", "extra", "--runs-dir", runs.toString()), err.toString());
        assertEquals(
                "warning: extra: cells.csv: column 'surplus_column' is not in docs/results-format.md; ignored",
                err.toString().strip());
        assertTrue(Files.isRegularFile(dir.resolve("report/index.html")));
    }

    @Test
    void runIdThatEscapesTheRunsDirectoryIsRefused() {
        assertEquals(2, run("--run", "../etc", "--runs-dir", runs.toString()));
        assertTrue(err.toString().contains("run ids use letters, digits"), err.toString());
    }

    @Test
    void noRunSelectedIsAUsageError() {
        assertEquals(2, run("--runs-dir", runs.toString()));
        assertTrue(err.toString().contains("--run ID, or use --all"), err.toString());
    }

    @Test
    void allWithoutRunsExplainsWhatToDo() {
        assertEquals(1, run("--all", "--runs-dir", runs.resolve("nothing").toString()));
        assertTrue(
                err.toString().contains("does not exist (run `make bench` first)"), err.toString());
    }
}
