package org.normbench.analysis.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.figures.Figure;
import org.normbench.analysis.synth.SyntheticRun;
import tech.tablesaw.api.Table;

class ReportGeneratorTest {
    @TempDir static Path runs;
    static Path run;
    static ReportGenerator.Result first;

    @BeforeAll
    static void generateOnce() throws IOException {
        System.setProperty("java.awt.headless", "true");
        run = SyntheticRun.write(runs, SyntheticRun.Spec.small("fixture-1"));
        first = ReportGenerator.generate(run, run.resolve("report"), "2026-11-25T16:00:00Z");
    }

    @Test
    void everyFigureIsRenderedAsSvgAndPngWithItsStableIdAndFindingsCsvIsWritten()
            throws IOException {
        assertTrue(
                Files.readString(run.resolve("report/findings.csv"))
                        .startsWith("claim,claim_group,protocol,"));
        assertEquals(
                List.of("F1", "F2", "F3", "F4", "F5", "F6", "F7"),
                first.figures().stream().map(Figure::id).toList());
        for (Figure f : first.figures()) {
            assertTrue(f.isRendered(), f.id() + " skipped: " + f.skippedReason());
            Path svg = run.resolve("report/figures/" + f.fileStem() + ".svg");
            Path png = run.resolve("report/figures/" + f.fileStem() + ".png");
            assertTrue(
                    Files.readString(svg).contains("<svg xmlns=\"http://www.w3.org/2000/svg\""),
                    svg.toString());
            byte[] head = Files.readAllBytes(png);
            assertEquals((byte) 0x89, head[0]);
            assertEquals('P', head[1]);
        }
    }

    @Test
    void indexIsSelfContainedAndCitesRunCommitAndFigure() throws IOException {
        String html = Files.readString(first.index());
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(
                html.contains("http://")
                        && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "no external resources");
        assertFalse(html.contains("<link"), "no stylesheets");
        assertEquals(7, html.split("<svg ", -1).length - 1, "one inline SVG per figure");
        assertTrue(
                html.contains(
                        "Source: normbench run fixture-1, commit 0000000000000000000000000000000000000000, figure F4"));
        assertTrue(html.contains("\\label{fig:normbench-fixture-1-F1}"));
        assertTrue(html.contains("<a href=\"#F7\">"));
    }

    @Test
    void regeneratingGivesByteIdenticalFilesApartFromTheGeneratedAtLine() throws IOException {
        Path second = run.resolve("report-again");
        ReportGenerator.generate(run, second, "2030-01-01T00:00:00Z");
        TreeMap<String, byte[]> a = files(run.resolve("report"));
        TreeMap<String, byte[]> b = files(second);
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            if (name.equals("index.html")) {
                List<String> la = new String(a.get(name), StandardCharsets.UTF_8).lines().toList();
                List<String> lb = new String(b.get(name), StandardCharsets.UTF_8).lines().toList();
                assertEquals(la.size(), lb.size());
                int differing = 0;
                for (int i = 0; i < la.size(); i++) {
                    if (!la.get(i).equals(lb.get(i))) {
                        differing++;
                        assertTrue(
                                la.get(i).startsWith(ReportPage.GENERATED_AT_PREFIX),
                                "unexpected difference: " + la.get(i));
                    }
                }
                assertEquals(1, differing);
            } else {
                assertArrayEquals(
                        a.get(name), b.get(name), name + " differs between two generations");
            }
        }
    }

    @Test
    void sameGeneratedAtGivesIdenticalIndex() throws IOException {
        Path again = run.resolve("report-same");
        ReportGenerator.generate(run, again, "2026-11-25T16:00:00Z");
        assertArrayEquals(
                Files.readAllBytes(first.index()), Files.readAllBytes(again.resolve("index.html")));
    }

    @Test
    void hostileStringsFromManifestAndCellsAreEscaped() throws IOException {
        Path hostile =
                SyntheticRun.write(
                        runs,
                        new SyntheticRun.Spec(
                                "hostile",
                                List.of(2, 8),
                                List.of("bn", "gn"),
                                List.of("relu"),
                                2,
                                20,
                                1,
                                10,
                                2,
                                8,
                                false,
                                false,
                                true));
        String attack = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        Path manifest = hostile.resolve("manifest.json");
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replace(
                                "\"run_id\": \"hostile\"",
                                "\"run_id\": \"" + attack.replace("'", "\\u0027") + "\"")
                        .replace(
                                "\"profile\": \"synthetic\"",
                                "\"profile\": \"</code></p><b onclick=x>\""));
        Path cells = hostile.resolve("cells.csv");
        Files.writeString(
                cells,
                Files.readString(cells).replace("training loss became NaN at step 6", attack));
        Path index = ReportGenerator.generate(hostile, hostile.resolve("report"), "<now>").index();
        String html = Files.readString(index);
        assertFalse(html.contains("<script"), "script tag leaked");
        assertFalse(html.contains("<img"), "img tag leaked");
        assertFalse(html.contains("<b onclick"), "attribute injection leaked");
        assertTrue(
                html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
                "escaped text present");
        assertTrue(html.contains("&lt;now&gt;"));
    }

    @Test
    void figuresWithoutDataAreSkippedWithAReason() throws IOException {
        Path bare =
                SyntheticRun.write(
                        runs,
                        new SyntheticRun.Spec(
                                "bare",
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
                                false));
        for (String name : List.of("activations.csv", "histograms.csv")) {
            Files.delete(bare.resolve(name));
        }
        try (Stream<Path> cellDirs = Files.list(bare.resolve("cells"))) {
            for (Path d : cellDirs.toList()) {
                Files.deleteIfExists(d.resolve("activations.csv"));
                Files.deleteIfExists(d.resolve("histograms.csv"));
            }
        }
        ReportGenerator.Result result = ReportGenerator.generate(bare, bare.resolve("report"), "t");
        List<String> skipped =
                result.figures().stream().filter(f -> !f.isRendered()).map(Figure::id).toList();
        assertEquals(List.of("F3", "F4", "F5", "F6", "F7"), skipped);
        String html = Files.readString(result.index());
        assertTrue(html.contains("Skipped: the run has no jmh/*.json"));
        assertTrue(
                html.contains("No confidence bands: every point has one finished seed (n = 1)."));
    }

    @Test
    void aContradictionIsReportedAsPlainlyAsASuccessAndCaptionsQuoteTheVerdicts()
            throws IOException {
        Path reversed =
                SyntheticRun.write(
                        runs,
                        SyntheticRun.Spec.findings(
                                "reversed", 3, new SyntheticRun.Effects(-5, 6, 30, -0.3, 0.35)));
        ReportGenerator.Result result =
                ReportGenerator.generate(reversed, reversed.resolve("report"), "t");
        String html = Files.readString(result.index());
        assertTrue(
                html.contains("<span class=\"verdict v-contradicted\">contradicted</span>"),
                "contradicted badge");
        assertFalse(
                html.contains("id=\"too-small\""),
                "3 seeds, synthetic profile, no train_limit: no banner");
        Figure f1 = result.figures().get(0);
        assertTrue(
                f1.caption()
                        .contains(
                                "BatchNorm test accuracy at batch 2 minus at batch 32: contradicted"),
                f1.caption());
        assertFalse(
                f1.caption().contains("BatchNorm's error grows as the batch shrinks, GroupNorm"),
                "the caption no longer asserts the paper's result as this run's");
        Figure f5 = result.figures().get(4);
        assertTrue(f5.isRendered(), f5.skippedReason());
        assertTrue(
                f5.caption()
                        .contains("zero_frac (last logged step, mean over layers): contradicted"),
                f5.caption());
        List<String> csv = Files.readAllLines(reversed.resolve("report/findings.csv"));
        assertTrue(csv.stream().skip(1).allMatch(l -> l.endsWith(",true")), "run_supports_claims");
        assertTrue(
                csv.stream()
                        .anyMatch(
                                l ->
                                        l.startsWith("rbn_closes_gap,")
                                                && l.contains(",contradicted,")));
    }

    @Test
    void anOldSingleSeedSmokeRunRendersAndSaysWhatItCannotShow() throws IOException {
        Path old =
                SyntheticRun.write(
                        runs,
                        SyntheticRun.Spec.findings("old-smoke", 1, SyntheticRun.Effects.published())
                                .withoutNewColumns()
                                .withProfile("cpu-smoke"));
        ReportGenerator.Result result = ReportGenerator.generate(old, old.resolve("report"), "t");
        String html = Files.readString(result.index());
        assertTrue(html.contains("id=\"too-small\""), "banner at the top");
        assertTrue(html.indexOf("id=\"too-small\"") < html.indexOf("id=\"findings\""));
        assertTrue(html.contains("1 finished seed per grid point"));
        assertTrue(html.contains("profile &#39;cpu-smoke&#39; is a smoke test"));
        Figure f5 = result.figures().get(4);
        assertFalse(f5.isRendered());
        assertTrue(
                f5.skippedReason()
                        .contains(
                                "no zero_frac, near_zero_frac or dead_channel_frac_window values"));
        assertTrue(
                html.contains("activations.csv has no zero_frac values"),
                "claim listed as not evaluable, with why");
        assertFalse(html.contains("class=\"verdict v-reproduced\""), "one seed reproduces nothing");
    }

    @Test
    void aRunWithTwoModelsNamesThemAndKeepsThemApart() throws IOException {
        Path mixed =
                SyntheticRun.write(
                        runs,
                        SyntheticRun.Spec.findings("mixed", 3, SyntheticRun.Effects.published())
                                .withModels(List.of("resnet18", "lesson_cnn")));
        ReportGenerator.Result result =
                ReportGenerator.generate(mixed, mixed.resolve("report"), "t");
        String html = Files.readString(result.index());
        assertTrue(
                html.contains(
                        "models <code>lesson_cnn</code> (lesson CNN), <code>resnet18</code> (ResNet18)"),
                "the header names both models");
        assertTrue(html.indexOf("id=\"settings\"") < html.indexOf("id=\"findings\""));
        assertTrue(html.contains("<li>lesson_cnn, fashion-mnist, width 0.25, cpu (figures"));
        assertTrue(html.contains("<h3 id=\"findings-linear_scaling\">lesson CNN: Protocol"));
        assertTrue(html.contains("<h3 id=\"findings-linear_scaling-2\">ResNet18: Protocol"));
        Figure f1 = result.figures().get(0);
        assertTrue(
                f1.notes().stream()
                        .anyMatch(
                                n ->
                                        n.startsWith(
                                                "Shows lesson CNN train cells only (lesson_cnn,")),
                f1.notes().toString());

        // The summary keeps the models apart: ResNet18's BN error at batch 32 is the invented
        // base, the lesson CNN's MODEL_ERROR_STEP_PCT higher; an average would lie between.
        Table summary = Table.read().csv(mixed.resolve("report/summary.csv").toFile());
        double resnet = bnReluBatch32Error(summary, "resnet18");
        double lesson = bnReluBatch32Error(summary, "lesson_cnn");
        assertEquals(SyntheticRun.MODEL_ERROR_STEP_PCT, lesson - resnet, 1.5);

        List<String> csv = Files.readAllLines(mixed.resolve("report/findings.csv"));
        assertTrue(csv.get(0).contains(",setting,model,"), csv.get(0));
        assertEquals(
                csv.stream().filter(l -> l.contains(",lesson_cnn,")).count(),
                csv.stream().filter(l -> l.contains(",resnet18,")).count());
    }

    private static double bnReluBatch32Error(Table summary, String model) {
        for (int r = 0; r < summary.rowCount(); r++) {
            if (summary.getString(r, "setting").startsWith(model + ",")
                    && summary.getString(r, "norm").equals("bn")
                    && summary.getString(r, "activation").equals("relu")
                    && summary.intColumn("batch_size").getInt(r) == 32) {
                return summary.doubleColumn("test_error_pct_mean").getDouble(r);
            }
        }
        throw new AssertionError("no bn/relu/32 row for " + model);
    }

    private static TreeMap<String, byte[]> files(Path dir) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
