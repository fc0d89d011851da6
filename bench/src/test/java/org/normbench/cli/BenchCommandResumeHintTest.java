package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The resume hint {@code bench} prints at the start gives back the options the user ran with, and
 * the report hint at the end names a command that exists where the user is: a checkout or a {@code
 * make dist} bundle, with or without its report.
 */
class BenchCommandResumeHintTest {
    @TempDir Path tmp;

    private static BenchCommand parsed(String... args) {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs(args);
        return bench;
    }

    private static String hint(String... args) {
        return parsed(args).resumeCommand("r1", "cpu-smoke");
    }

    @Test
    void inACheckoutTheReportHintIsMakeReportWithTheRunsDirWhenNotTheDefault() {
        assertEquals(
                "make report RUN=r1",
                parsed("--run", "r1").reportHint("r1", "bench/bin/normbench"));
        assertEquals(
                "make report RUN=r1 RUNS_DIR=/data/runs",
                parsed("--run", "r1", "--runs-dir", "/data/runs")
                        .reportHint("r1", "bench/bin/normbench"));
    }

    @Test
    void inABundleTheReportHintNamesItsReportLauncherOrSaysThereIsNone() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bundle/bin"));
        Files.createDirectories(tmp.resolve("bundle/runtime"));
        String launcher = bin.resolve("normbench").toString();
        String without = parsed("--run", "r1").reportHint("r1", launcher);
        assertTrue(
                without.startsWith("this bundle has no report (made without DIST_REPORT=1)")
                        && without.endsWith("make report RUN=r1"),
                without);
        Path report = Files.createFile(bin.resolve("normbench-report"));
        assertTrue(report.toFile().setExecutable(true));
        assertEquals(
                report + " --run r1 --runs-dir /data/runs",
                parsed("--run", "r1", "--runs-dir", "/data/runs").reportHint("r1", launcher));
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
