package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SummaryCommandTest {

    private static String[] run(String... args) {
        CommandLine cli = NormbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute(args);
        return new String[] {String.valueOf(rc), out.toString(), err.toString()};
    }

    @Test
    void printsPerLayerTableAndStandardTotal() {
        String[] r =
                run(
                        "summary",
                        "--norm",
                        "gn",
                        "--act",
                        "leaky_relu",
                        "--width",
                        "1.0",
                        "--stem",
                        "cifar");
        assertEquals("0", r[0], r[2]);
        String out = r[1];
        assertTrue(out.contains("Total trainable params: 11,173,962"), out);
        assertTrue(out.contains("GroupNormBlock(64, groups=32)"), out);
        assertTrue(
                out.lines()
                        .anyMatch(
                                l ->
                                        l.startsWith("layer4.1 ")
                                                && l.contains("[1, 512, 4, 4]")
                                                && l.endsWith("4,720,640")),
                out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("head ") && l.contains("[1, 10]")), out);
    }

    @Test
    void passesNormOptionsAndRejectsBadOnesWithExitCode2() {
        String[] ok =
                run(
                        "summary",
                        "--norm",
                        "gn",
                        "--norm-opt",
                        "groups=16",
                        "--width",
                        "0.25",
                        "--depth",
                        "0");
        assertEquals("0", ok[0], ok[2]);
        String[] bad = run("summary", "--norm", "gn", "--norm-opt", "groups=7");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("norm gn: option groups=7 does not divide 64 channels"), bad[2]);
        String[] typo = run("summary", "--norm", "gn", "--norm-opt", "grups=8");
        assertTrue(
                typo[2].contains("unknown option 'grups' for norm gn; allowed: eps, groups"),
                typo[2]);
        String[] name = run("summary", "--norm", "xn");
        assertEquals("2", name[0]);
        assertTrue(name[2].contains("unknown norm 'xn'; allowed: bn, gn, ln, rbn"), name[2]);
    }
}
