package org.normbench.analysis.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.synth.SyntheticRun;

class RunLoaderTest {
    @TempDir Path runs;

    private Path smallRun(String id) throws IOException {
        return SyntheticRun.write(runs, SyntheticRun.Spec.small(id));
    }

    @Test
    void loadsEveryFileOfASyntheticRun() throws IOException {
        Run run = RunLoader.load(smallRun("small"));
        SyntheticRun.Spec spec = SyntheticRun.Spec.small("small");
        int train =
                spec.batchSizes().size()
                        * spec.norms().size()
                        * spec.activations().size()
                        * spec.seeds();
        assertEquals(train + 2 * 2 * 2 * spec.batchSizes().size(), run.cells().size());
        assertEquals(train, run.curves().size());
        Curve curve = run.curves().get("train-gn-relu-bs8-cpu-s0");
        assertEquals(spec.steps(), curve.size());
        assertEquals(1, curve.steps()[0]);
        LayerStats stats = run.activations().get("train-gn-relu-bs8-cpu-s0");
        assertEquals(List.of("stem", "layer1.0", "layer1.1"), stats.layers());
        assertEquals(6, run.jmh().size());
        assertEquals("small", run.manifest().runId());
        Map<String, HistogramSeries> hist = run.histograms(List.of("train-gn-relu-bs8-cpu-s0"));
        HistogramSeries h = hist.get("train-gn-relu-bs8-cpu-s0");
        assertEquals(40, h.bins());
        assertEquals(-10.0, h.lowerEdges()[0]);
        assertEquals(10.0, h.upperEdge());
        assertEquals(3, h.steps().length);
    }

    @Test
    void gzipCompressedTablesAreReadLikeThePlainOnes() throws IOException {
        // The committed reference runs keep activations.csv and histograms.csv as .csv.gz.
        Run plain = RunLoader.load(smallRun("plain"));
        Path dir = smallRun("gz");
        for (String table : List.of("activations.csv", "histograms.csv")) {
            Path file = dir.resolve(table);
            try (OutputStream out =
                    new GZIPOutputStream(Files.newOutputStream(dir.resolve(table + ".gz")))) {
                Files.copy(file, out);
            }
            Files.delete(file);
        }
        try (var cells = Files.walk(dir.resolve("cells"))) {
            for (Path p : cells.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Run gz = RunLoader.load(dir);
        String id = "train-gn-relu-bs8-cpu-s0";
        assertEquals(plain.activations().keySet(), gz.activations().keySet());
        assertEquals(plain.activations().get(id).layers(), gz.activations().get(id).layers());
        assertArrayEquals(
                plain.histograms(List.of(id)).get(id).steps(),
                gz.histograms(List.of(id)).get(id).steps());
        assertTrue(gz.hasTable("histograms.csv"));
    }

    @Test
    void theModelIsReadAndRunsWithoutTheColumnTrainedResNet18() throws IOException {
        Run mixed =
                RunLoader.load(
                        SyntheticRun.write(
                                runs,
                                SyntheticRun.Spec.small("two-models")
                                        .withModels(List.of("resnet18", "lesson_cnn"))));
        assertEquals(
                List.of("lesson_cnn", "resnet18"),
                mixed.cells().stream()
                        .filter(Cell::isTrain)
                        .map(Cell::model)
                        .distinct()
                        .sorted()
                        .toList());
        assertTrue(
                mixed.cells().stream()
                        .filter(c -> c.model().equals("lesson_cnn"))
                        .allMatch(c -> c.setting().startsWith("lesson_cnn, ")),
                "the model is part of the setting");
        Run old =
                RunLoader.load(
                        SyntheticRun.write(
                                runs, SyntheticRun.Spec.small("old").withoutNewColumns()));
        assertTrue(old.cells().stream().allMatch(c -> c.model().equals(Cell.DEFAULT_MODEL)));
    }

    @Test
    void perCellFilesAreReadWhenCellsChangedAfterTheAggregateWasWritten() throws IOException {
        Path dir = smallRun("lagging");
        Path curves = dir.resolve("curves.csv");
        assertEquals(List.of(curves), CsvTable.locate(dir, "curves.csv").files());
        // The harness rebuilds large aggregates only now and then: a cell finished after the last
        // rebuild.
        Files.setLastModifiedTime(
                curves,
                FileTime.fromMillis(
                        Files.getLastModifiedTime(dir.resolve("cells")).toMillis() - 60_000));
        List<Path> files = CsvTable.locate(dir, "curves.csv").files();
        assertFalse(files.contains(curves), files.toString());
        assertFalse(files.isEmpty());
        assertTrue(
                files.stream()
                        .allMatch(f -> f.getParent().getParent().equals(dir.resolve("cells"))),
                files.toString());
    }

    @Test
    void divergedLossIsDataNotAnError() throws IOException {
        Run run = RunLoader.load(smallRun("diverged"));
        Cell diverged =
                run.cells().stream()
                        .filter(c -> c.status().equals("diverged"))
                        .findFirst()
                        .orElseThrow();
        assertTrue(Double.isNaN(diverged.finalTrainLoss()));
        assertTrue(Double.isNaN(run.curves().get(diverged.cellId()).trainLoss()[59]));
    }

    @Test
    void malformedNumberNamesFileLineColumnAndValue() throws IOException {
        Path dir = smallRun("malformed");
        Path curves = dir.resolve("curves.csv");
        List<String> lines = Files.readAllLines(curves);
        String[] fields = lines.get(4).split(",", -1);
        fields[3] = "0.5x";
        lines.set(4, String.join(",", fields));
        Files.write(curves, lines);
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertEquals(curves + ":5: column 'train_loss': '0.5x' is not a number", e.getMessage());
    }

    @Test
    void nonFiniteTextOutsideLossColumnsIsRejected() throws IOException {
        Path dir = smallRun("nanmean");
        Path acts = dir.resolve("activations.csv");
        List<String> lines = Files.readAllLines(acts);
        String[] fields = lines.get(1).split(",", -1);
        fields[4] = "NaN";
        lines.set(1, String.join(",", fields));
        Files.write(acts, lines);
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertTrue(
                e.getMessage().startsWith(acts + ":2: column 'mean': 'NaN' is not finite"),
                e.getMessage());
    }

    @Test
    void shortRowIsReportedWithItsLine() throws IOException {
        Path dir = smallRun("short");
        Path acts = dir.resolve("activations.csv");
        List<String> lines = Files.readAllLines(acts);
        lines.set(3, "train-bn-relu-bs2-cpu-s0,20,stem");
        Files.write(acts, lines);
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertTrue(e.getMessage().contains(acts + ":4:"), e.getMessage());
        assertTrue(e.getMessage().contains("row has 3 fields, header has 13"), e.getMessage());
    }

    @Test
    void unknownStatusListsTheAllowedValues() throws IOException {
        Path dir = smallRun("status");
        Path cells = dir.resolve("cells.csv");
        String text = Files.readString(cells).replaceFirst(",ok,", ",finished,");
        Files.writeString(cells, text);
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertEquals(
                cells
                        + ":2: column 'status': 'finished' is not one of [ok, diverged, oom, error, skipped]",
                e.getMessage());
    }

    @Test
    void missingColumnIsNamed() throws IOException {
        Path dir = smallRun("nocolumn");
        Path curves = dir.resolve("curves.csv");
        List<String> lines = Files.readAllLines(curves);
        lines.set(0, lines.get(0).replace("train_loss", "loss"));
        Files.write(curves, lines);
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertTrue(
                e.getMessage().startsWith(curves + ":1: missing column 'train_loss'"),
                e.getMessage());
    }

    @Test
    void unknownColumnsAreIgnored() throws IOException {
        Path dir = smallRun("extra");
        Path curves = dir.resolve("curves.csv");
        List<String> lines = Files.readAllLines(curves);
        for (int i = 0; i < lines.size(); i++) {
            lines.set(i, lines.get(i) + (i == 0 ? ",grad_norm" : ",1.5"));
        }
        Files.write(curves, lines);
        assertEquals(60, RunLoader.load(dir).curves().get("train-bn-relu-bs2-cpu-s0").size());
    }

    @Test
    void otherSchemaVersionIsRefused() throws IOException {
        Path dir = smallRun("schema");
        Path manifest = dir.resolve("manifest.json");
        Files.writeString(
                manifest,
                Files.readString(manifest)
                        .replace("\"schema_version\": 1", "\"schema_version\": 2"));
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertEquals(
                manifest
                        + ": field 'schema_version' is 2; this report reads schema 1 only (see docs/results-format.md)",
                e.getMessage());
    }

    @Test
    void malformedManifestNamesLineAndColumn() throws IOException {
        Path dir = smallRun("badjson");
        Path manifest = dir.resolve("manifest.json");
        Files.writeString(
                manifest,
                "{\n  \"schema_version\": 1,\n  \"run_id\": \n}\n",
                StandardCharsets.UTF_8);
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertTrue(
                e.getMessage().startsWith(manifest + ": malformed JSON at line 4"), e.getMessage());
    }

    @Test
    void missingManifestIsNamed() throws IOException {
        Path dir = smallRun("nomanifest");
        Files.delete(dir.resolve("manifest.json"));
        ResultsFormatException e =
                assertThrows(ResultsFormatException.class, () -> RunLoader.load(dir));
        assertTrue(e.getMessage().contains("manifest.json: missing"), e.getMessage());
    }

    @Test
    void fallsBackToPerCellFilesWhenAggregatesAreMissing() throws IOException {
        Path dir = smallRun("fallback");
        Run full = RunLoader.load(dir);
        for (String name :
                List.of("cells.csv", "curves.csv", "activations.csv", "histograms.csv")) {
            Files.delete(dir.resolve(name));
        }
        Run fromCells = RunLoader.load(dir);
        assertEquals(full.cells().size(), fromCells.cells().size());
        assertEquals(full.curves().keySet(), fromCells.curves().keySet());
        String id = "train-ln-leaky_relu-bs32-cpu-s1";
        assertEquals(
                full.activations().get(id).mean()[2][1],
                fromCells.activations().get(id).mean()[2][1]);
        long[] a = full.histograms(List.of(id)).get(id).counts()[1][2];
        long[] b = fromCells.histograms(List.of(id)).get(id).counts()[1][2];
        assertTrue(Arrays.equals(a, b));
    }

    @Test
    void quotedMultiLineErrorMessageIsOneField() throws IOException {
        Path dir = smallRun("quoted");
        Path cells = dir.resolve("cells.csv");
        String text =
                Files.readString(cells)
                        .replace(
                                "training loss became NaN at step 20",
                                "\"line one, with comma\nline \"\"two\"\"\"");
        Files.writeString(cells, text);
        Run run = RunLoader.load(dir);
        Cell c =
                run.cells().stream()
                        .filter(x -> x.status().equals("diverged"))
                        .findFirst()
                        .orElseThrow();
        assertEquals("line one, with comma\nline \"two\"", c.error());
        assertFalse(run.cells().isEmpty());
    }

    @Test
    void runIdThatIsNotAPathSegmentIsRefused() {
        ResultsFormatException e =
                assertThrows(
                        ResultsFormatException.class, () -> RunLoader.load(runs.resolve("a b")));
        assertTrue(e.getMessage().contains("run id 'a b' is not allowed"), e.getMessage());
    }
}
