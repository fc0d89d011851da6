package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.grid.CellKind;
import org.normbench.hooks.ActivationRow;

class RunDirectoryTest {
    @TempDir Path runs;

    static CellOutput cell(String id, String status, int curvePoints) {
        CellOutcome row =
                new CellOutcome.Builder()
                        .cellId(id)
                        .kind(CellKind.TRAIN)
                        .norm("gn")
                        .status(CellStatus.parse(status))
                        .error(
                                status.equals("ok")
                                        ? null
                                        : "loss became NaN at step 3, \"quoted\", comma")
                        .finalTrainLoss(Double.NaN)
                        .testAccuracy(0.5)
                        .build();
        List<List<Object>> curves = new ArrayList<>();
        for (int s = 1; s <= curvePoints; s++) {
            curves.add(Arrays.asList(id, s, s / 10.0, 2.0 / s, 0.1, null, null));
        }
        List<List<Object>> acts =
                List.of(
                        new ActivationRow(
                                        1,
                                        "layer1.0",
                                        1,
                                        0.1,
                                        1.0,
                                        -2.0,
                                        3.0,
                                        0.5,
                                        0.0,
                                        0.25,
                                        0.5,
                                        Double.NaN)
                                .csvValues(id));
        List<List<Object>> hist = List.of(Arrays.asList(id, 1, "layer1.0", 0, -10.0, -9.5, 7L));
        return new CellOutput(id, row, Map.of("norm", "gn"), curves, acts, hist);
    }

    static List<CSVRecord> read(Path file) throws Exception {
        try (Reader r = Files.newBufferedReader(file)) {
            return CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(r)
                    .getRecords();
        }
    }

    @Test
    void finishedCellsAreVisibleOnlyAfterTheAtomicRename() throws Exception {
        RunDirectory run = RunDirectory.open(runs, "r1");
        assertTrue(run.statusOf("a").isEmpty());
        run.writeCell(cell("a", "ok", 5));
        assertTrue(run.statusOf("a").isPresent());
        assertEquals(List.of("a"), run.finishedCells());
        assertEquals(CellStatus.OK, run.statusOf("a").orElseThrow());
        try (var files = Files.list(run.cellsDir())) {
            assertEquals(1, files.count(), "no temporary directory is left behind");
        }
    }

    @Test
    void aggregatesAreRebuiltInCellOrderWithOneHeader() throws Exception {
        RunDirectory run = RunDirectory.open(runs, "r1");
        run.writeCell(cell("b", "diverged", 3));
        run.writeCell(cell("a", "ok", 2));
        run.rebuildAggregates();
        List<CSVRecord> cells = read(run.root().resolve("cells.csv"));
        assertEquals(List.of("a", "b"), cells.stream().map(r -> r.get("cell_id")).toList());
        assertEquals("diverged", cells.get(1).get("status"));
        assertEquals("loss became NaN at step 3, \"quoted\", comma", cells.get(1).get("error"));
        assertEquals("NaN", cells.get(0).get("final_train_loss"));
        assertEquals("", cells.get(0).get("test_loss"), "missing values are empty fields");
        List<CSVRecord> curves = read(run.root().resolve("curves.csv"));
        assertEquals(5, curves.size());
        assertEquals(
                ResultsSchema.CURVE_COLUMNS,
                new ArrayList<>(curves.get(0).getParser().getHeaderNames()));
        assertEquals(2, read(run.root().resolve("histograms.csv")).size());
    }

    @Test
    void reopeningRemovesHalfWrittenTemporariesButKeepsFinishedCells() throws Exception {
        RunDirectory run = RunDirectory.open(runs, "r1");
        run.writeCell(cell("a", "ok", 1));
        Path stale = run.cellsDir().resolve(".tmp-b-123");
        Files.createDirectories(stale);
        Files.writeString(stale.resolve("cells.csv"), "cell_id,kind\nb,tr");
        Files.writeString(run.root().resolve(".tmp-cells.csv-9"), "partial");
        RunDirectory again = RunDirectory.open(runs, "r1");
        assertEquals(List.of("a"), again.finishedCells());
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(run.root().resolve(".tmp-cells.csv-9")));
    }

    @Test
    void rewritingACellReplacesItsEarlierResult() throws Exception {
        RunDirectory run = RunDirectory.open(runs, "r1");
        run.writeCell(cell("a", "error", 1));
        run.writeCell(cell("a", "ok", 4));
        run.rebuildAggregates();
        assertEquals(CellStatus.OK, run.statusOf("a").orElseThrow());
        assertEquals(4, read(run.root().resolve("curves.csv")).size());
    }

    @Test
    void rejectsUnsafeRunIds() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> RunDirectory.open(runs, "../evil"));
        assertTrue(e.getMessage().contains("letters, digits"), e.getMessage());
    }

    @Test
    void aStatusThatIsNoStatusIsReportedWithItsColumn() throws Exception {
        RunDirectory run = RunDirectory.open(runs, "r1");
        run.writeCell(cell("a", "ok", 1));
        Path file = run.cellsDir().resolve("a").resolve("cells.csv");
        Files.writeString(file, Files.readString(file).replace(",ok,", ",fine,"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> run.statusOf("a"));
        assertTrue(
                e.getMessage().contains("cells.csv column 'status': 'fine' is not one of ok,"),
                e.getMessage());
    }

    @Test
    void manifestRoundTripsThroughAnAtomicWrite() throws Exception {
        RunDirectory run = RunDirectory.open(runs, "r1");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", 1);
        m.put("run_id", "r1");
        run.writeManifest(m);
        assertEquals(1, run.readManifest().orElseThrow().get("schema_version"));
    }
}
