package org.normbench.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.synth.SyntheticRun;

/**
 * Runs analysis/scripts/check-report.sh (headless Chromium) on a generated fixture report, and on a
 * broken copy to prove the check can fail; and report-screenshots.sh on the same report. Skipped,
 * with the reason, where /usr/bin/chromium is absent.
 */
class ChromiumCheckTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCRIPT = Path.of("scripts/check-report.sh").toAbsolutePath();
    private static final Path SHOTS = Path.of("scripts/report-screenshots.sh").toAbsolutePath();

    @TempDir static Path dir;
    static Path index;

    @BeforeAll
    static void generate() throws IOException {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM),
                "/usr/bin/chromium not installed (apt-get install -y chromium); the browser check is skipped");
        System.setProperty("java.awt.headless", "true");
        Path run =
                SyntheticRun.write(
                        dir,
                        new SyntheticRun.Spec(
                                "browser-fixture",
                                List.of(2, 8),
                                List.of("bn", "gn"),
                                List.of("relu", "leaky_relu"),
                                2,
                                30,
                                1,
                                10,
                                3,
                                40,
                                true,
                                true,
                                true));
        index =
                ReportGenerator.generate(run, run.resolve("report"), "2026-11-25T16:00:00Z")
                        .index();
    }

    @Test
    void generatedReportLoadsWithoutConsoleErrorsAndEveryFigureRenders() throws Exception {
        Path shot = dir.resolve("shot-ok.png");
        Result r = check(index, shot);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("NB_CHECK figures=7 bad= errors= END"), r.output);
        byte[] png = Files.readAllBytes(shot);
        assertTrue(png.length > 10_000 && png[1] == 'P', "screenshot is a PNG of a rendered page");
    }

    @Test
    void brokenFigureAndFailedResourceMakeTheCheckFail() throws Exception {
        String html = Files.readString(index, StandardCharsets.UTF_8);
        int start = html.indexOf("<svg ", html.indexOf("data-figure-id=\"F2\""));
        int end = html.indexOf("</svg>", start) + "</svg>".length();
        String broken =
                html.substring(0, start)
                        + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>"
                        + "<img src=\"does-not-exist.png\" alt=\"\">"
                        + html.substring(end);
        Path brokenIndex = index.resolveSibling("broken.html");
        Files.writeString(brokenIndex, broken, StandardCharsets.UTF_8);
        Result r = check(brokenIndex, dir.resolve("shot-broken.png"));
        assertEquals(1, r.exit, r.output);
        assertTrue(r.output.contains("bad=F2(empty)"), r.output);
        assertTrue(
                r.output.contains("does-not-exist.png"),
                "the failed image load is reported: " + r.output);
    }

    @Test
    void screenshotsShowEachPartAloneAtItsHeightAndAnUnknownPartFails() throws Exception {
        Path out = dir.resolve("shots");
        Result r = run(SHOTS, index.toString(), out.toString(), "top", "F2");
        assertEquals(0, r.exit, r.output);
        for (String part : List.of("top", "F2")) {
            byte[] png = Files.readAllBytes(out.resolve(part + ".png"));
            assertTrue(png.length > 2_000 && png[1] == 'P', part + " is a PNG");
        }
        // The header alone is far shorter than a figure with its caption and citation block.
        assertTrue(pngHeight(out.resolve("top.png")) < pngHeight(out.resolve("F2.png")), r.output);

        Result missing = run(SHOTS, index.toString(), out.toString(), "F9");
        assertEquals(1, missing.exit, missing.output);
        assertTrue(missing.output.contains("part 'F9' not found"), missing.output);
    }

    /** Height from the PNG's IHDR chunk (bytes 20-23, big-endian). */
    private static int pngHeight(Path png) throws IOException {
        byte[] b = Files.readAllBytes(png);
        return ((b[20] & 0xff) << 24)
                | ((b[21] & 0xff) << 16)
                | ((b[22] & 0xff) << 8)
                | (b[23] & 0xff);
    }

    private record Result(int exit, String output) {}

    private static Result check(Path page, Path shot) throws Exception {
        return run(SCRIPT, page.toString(), shot.toString());
    }

    private static Result run(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), script.getFileName() + " timed out");
        return new Result(p.exitValue(), out);
    }
}
