package org.normbench.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.synth.SyntheticRun;
import picocli.CommandLine;

/**
 * Malformed results directories, each made from a good synthetic run by one realistic damage (a
 * column dropped by a hand edit, a file cut short by a full disk, a binary file copied over a CSV,
 * a cell appended twice, a manifest from another schema), must each be refused with its own message
 * naming the file, the line and the reason, never a stack trace; and {@code --all} must still
 * report every good run beside them. The count refused as expected is the "malformed results
 * directories rejected" figure of docs/reliability.md.
 */
class MalformedRunsTest {

    static final String FIGURE = "malformed results directories rejected";

    /**
     * One damage: a run id, what to do to the run directory, the message expected ({@code RUN} =
     * its path).
     */
    record Damage(String id, Mutation mutation, String expected) {}

    interface Mutation {
        void apply(Path run) throws IOException;
    }

    static List<Damage> damages() {
        return List.of(
                new Damage(
                        "missing-column-cells",
                        run -> dropColumn(run.resolve("cells.csv"), "test_accuracy"),
                        "RUN/cells.csv:1: missing column 'test_accuracy' (cells.csv needs 28 required columns, docs/results-format.md"
                                + " schema 1; this header has 27 of them)"),
                new Damage(
                        "missing-column-curves",
                        run -> dropColumn(run.resolve("curves.csv"), "train_loss"),
                        "RUN/curves.csv:1: missing column 'train_loss' (curves.csv needs 7 required columns, docs/results-format.md"
                                + " schema 1; this header has 6 of them)"),
                new Damage(
                        "missing-columns-activations",
                        run -> {
                            dropColumn(run.resolve("activations.csv"), "dead_channel_frac");
                            dropColumn(run.resolve("activations.csv"), "min");
                        },
                        "RUN/activations.csv:1: missing columns 'min', 'dead_channel_frac' (activations.csv needs 10 required columns,"
                                + " docs/results-format.md schema 1; this header has 8 of them)"),
                new Damage(
                        "missing-column-histograms",
                        run -> {
                            dropColumn(run.resolve("histograms.csv"), "count");
                            deletePerCell(run, "histograms.csv");
                        },
                        "RUN/histograms.csv:1: missing column 'count' (histograms.csv needs 7 required columns, docs/results-format.md"
                                + " schema 1; this header has 6 of them)"),
                new Damage(
                        "extra-field-in-a-row",
                        run -> editLine(run.resolve("cells.csv"), 2, line -> line + ",surplus"),
                        "RUN/cells.csv:2: row has 31 fields, header has 30 (a missing or extra comma, or a line cut short)"),
                new Damage(
                        "column-twice-in-header",
                        run ->
                                editLine(
                                        run.resolve("curves.csv"),
                                        1,
                                        line -> line.replace("val_loss", "lr")),
                        "RUN/curves.csv:1: column 'lr' appears twice in the header"),
                new Damage(
                        "wrong-schema-version",
                        run ->
                                replace(
                                        run.resolve("manifest.json"),
                                        "\"schema_version\": 1",
                                        "\"schema_version\": 2"),
                        "RUN/manifest.json: field 'schema_version' is 2; this report reads schema 1 only (see docs/results-format.md)"),
                new Damage(
                        "no-schema-version",
                        run -> replace(run.resolve("manifest.json"), "\"schema_version\": 1,", ""),
                        "RUN/manifest.json: field 'schema_version' missing or not an integer (expected 1)"),
                new Damage(
                        "non-numeric-value",
                        run -> setField(run.resolve("cells.csv"), 2, "test_accuracy", "high"),
                        "RUN/cells.csv:2: column 'test_accuracy': 'high' is not a number"),
                new Damage(
                        "non-finite-accuracy",
                        run -> setField(run.resolve("cells.csv"), 3, "test_accuracy", "NaN"),
                        "RUN/cells.csv:3: column 'test_accuracy': 'NaN' is not finite (only loss columns may hold NaN/Infinity)"),
                new Damage(
                        "unknown-status",
                        run -> setField(run.resolve("cells.csv"), 2, "status", "done"),
                        "RUN/cells.csv:2: column 'status': 'done' is not one of [ok, diverged, oom, error, skipped]"),
                new Damage(
                        "truncated-csv",
                        run -> cutShort(run.resolve("activations.csv")),
                        "RUN/activations.csv:LAST: row has 3 fields, header has 13 (a missing or extra comma, or a line cut short)"),
                new Damage(
                        "truncated-in-a-quoted-field",
                        run ->
                                appendText(
                                        run.resolve("cells.csv"),
                                        "train-x,train,gn,,relu,,8,cpu,0,0.125,fashion-mnist,djl,error,\"RuntimeException: out of"),
                        "RUN/cells.csv:4: quoted field is never closed"),
                new Damage(
                        "binary-csv",
                        run ->
                                Files.write(
                                        run.resolve("cells.csv"),
                                        new byte[] {
                                            (byte) 0x89,
                                            'P',
                                            'N',
                                            'G',
                                            '\r',
                                            '\n',
                                            0x1a,
                                            '\n',
                                            0,
                                            0,
                                            0,
                                            13,
                                            'I',
                                            'H',
                                            'D',
                                            'R'
                                        }),
                        "RUN/cells.csv:1: not UTF-8 text (a byte sequence that does not decode); a results file is UTF-8 CSV text"),
                new Damage(
                        "nul-bytes-in-csv",
                        run -> editLine(run.resolve("curves.csv"), 3, line -> "\0\0\0\0" + line),
                        "RUN/curves.csv:3: binary data (a NUL byte); a results file is UTF-8 CSV text"),
                new Damage(
                        "latin1-csv",
                        run -> {
                            byte[] latin1 =
                                    setFieldText(
                                                    Files.readString(run.resolve("cells.csv")),
                                                    3,
                                                    "error",
                                                    "d\u00e9passement")
                                            .getBytes(StandardCharsets.ISO_8859_1);
                            Files.write(run.resolve("cells.csv"), latin1);
                        },
                        "RUN/cells.csv:3: not UTF-8 text (a byte sequence that does not decode); a results file is UTF-8 CSV text"),
                new Damage(
                        "duplicate-cell",
                        run -> editLine(run.resolve("cells.csv"), 3, line -> line + "\n" + line),
                        "RUN/cells.csv:4: column 'cell_id': 'train-gn-relu-bs4-cpu-s0' appears twice"),
                new Damage(
                        "missing-manifest",
                        run -> Files.delete(run.resolve("manifest.json")),
                        "RUN/manifest.json: missing (every run directory needs a manifest.json)"),
                new Damage(
                        "bad-json-manifest",
                        run ->
                                Files.writeString(
                                        run.resolve("manifest.json"),
                                        "{\"schema_version\": 1,\n  \"run_id\": "),
                        "RUN/manifest.json: malformed JSON at line 2, column 13: Unexpected end-of-input within/between Object entries"),
                new Damage(
                        "binary-manifest",
                        run ->
                                Files.write(
                                        run.resolve("manifest.json"),
                                        new byte[] {'{', 0, 0, (byte) 0xff, 0x7f}),
                        "RUN/manifest.json: binary data (a NUL byte); a manifest is UTF-8 JSON text"),
                new Damage(
                        "latin1-manifest",
                        run ->
                                Files.write(
                                        run.resolve("manifest.json"),
                                        "{\"schema_version\": 1, \"host\": \"caf\u00e9\"}"
                                                .getBytes(StandardCharsets.ISO_8859_1)),
                        "RUN/manifest.json: not UTF-8 text (a byte sequence that does not decode); a manifest is UTF-8 JSON"),
                new Damage(
                        "jmh-result-not-json",
                        run -> {
                            Files.createDirectories(run.resolve("jmh"));
                            Files.writeString(
                                    run.resolve("jmh/jmh-result.json"),
                                    "# JMH version: 1.37\nBenchmark  Mode  Cnt  Score\n");
                        },
                        "RUN/jmh/jmh-result.json: malformed JSON at line 1, column 1: Unexpected character ('#' (code 35)): expected a"
                                + " valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
                new Damage(
                        "manifest-not-an-object",
                        run -> Files.writeString(run.resolve("manifest.json"), "[1, 2]"),
                        "RUN/manifest.json: expected one JSON object"),
                new Damage(
                        "empty-cells-csv",
                        run -> Files.writeString(run.resolve("cells.csv"), ""),
                        "RUN/cells.csv:1: empty file, expected a header row"),
                new Damage(
                        "no-cells-csv",
                        run -> {
                            Files.delete(run.resolve("cells.csv"));
                            deletePerCell(run, "cells.csv");
                        },
                        "RUN/cells.csv: missing (and no cells/<cell-id>/cells.csv to fall back on)"),
                new Damage(
                        "negative-histogram-count",
                        run -> {
                            setField(run.resolve("histograms.csv"), 2, "count", "-5");
                            deletePerCell(run, "histograms.csv");
                        },
                        "RUN/histograms.csv:2: column 'count': '-5' is negative"));
    }

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static SyntheticRun.Spec tiny(String id) {
        return new SyntheticRun.Spec(
                id,
                List.of(4),
                List.of("bn", "gn"),
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

    private record Outcome(int code, String out, String err) {}

    private static Outcome report(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ReportCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void allReportsTheGoodRunsListsEveryMalformedOneAndRecordsTheCount(@TempDir Path all)
            throws IOException {
        List<String> expected = new ArrayList<>();
        for (Damage d : damages()) {
            Path run = SyntheticRun.write(all, tiny(d.id()));
            d.mutation().apply(run);
            String message = d.expected().replace("RUN", run.toString());
            if (message.contains(":LAST:")) {
                message =
                        message.replace(
                                ":LAST:",
                                ":"
                                        + Files.readString(run.resolve("activations.csv"))
                                                .lines()
                                                .count()
                                        + ":");
            }
            expected.add(d.id() + ": " + message);
        }
        SyntheticRun.write(all, tiny("good-a"));
        SyntheticRun.write(all, tiny("good-z"));

        Outcome o = report("--all", "--runs-dir", all.toString());

        assertEquals(1, o.code());
        assertTrue(Files.isRegularFile(all.resolve("good-a/report/index.html")), o.err());
        assertTrue(
                Files.isRegularFile(all.resolve("good-z/report/index.html")),
                "a run after the malformed ones was not reported");
        String summaryHead =
                damages().size()
                        + " of "
                        + (damages().size() + 2)
                        + " runs could not be reported (the others were):";
        List<String> err = o.err().lines().toList();
        int head = err.indexOf(summaryHead);
        assertTrue(head >= 0, o.err());
        List<String> listed =
                err.subList(head + 1, err.size()).stream().map(String::strip).toList();
        long rejectedAsExpected = listed.stream().filter(expected::contains).count();
        write(FIGURE, rejectedAsExpected);
        for (String line : expected) {
            assertTrue(
                    listed.contains(line),
                    "not listed as expected: " + line + "\nlisted:\n" + String.join("\n", listed));
        }
        assertEquals(expected.size(), listed.size(), String.join("\n", listed));
        assertFalse(
                o.err().contains("\tat ") || o.err().contains("Exception:"),
                "a stack trace reached the user:\n" + o.err());
        assertTrue(expected.size() >= 10, "only " + expected.size() + " malformed runs");
    }

    /**
     * docs/reliability.md's figures table reads {@code target/reliability/<slug>.tsv}: {@code
     * figure<TAB>value}.
     */
    private static void write(String figure, long value) throws IOException {
        Path dir = Path.of("target", "reliability");
        Files.createDirectories(dir);
        String slug = figure.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        Files.writeString(
                dir.resolve(slug + ".tsv"), figure + "\t" + value + "\n", StandardCharsets.UTF_8);
    }

    // ---- damage helpers: edit the text of a results file by line and column name ----

    private static void dropColumn(Path csv, String column) throws IOException {
        List<String> lines = Files.readString(csv).lines().toList();
        int index = Arrays.asList(lines.get(0).split(",", -1)).indexOf(column);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> fields = new ArrayList<>(Arrays.asList(line.split(",", -1)));
            fields.remove(index);
            out.add(String.join(",", fields));
        }
        Files.writeString(csv, String.join("\n", out) + "\n");
    }

    private static void setField(Path csv, int lineNo, String column, String value)
            throws IOException {
        Files.writeString(csv, setFieldText(Files.readString(csv), lineNo, column, value));
    }

    private static String setFieldText(String text, int lineNo, String column, String value) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int index = Arrays.asList(lines.get(0).split(",", -1)).indexOf(column);
        String[] fields = lines.get(lineNo - 1).split(",", -1);
        fields[index] = value;
        lines.set(lineNo - 1, String.join(",", fields));
        return String.join("\n", lines) + "\n";
    }

    private static void editLine(Path csv, int lineNo, UnaryOperator<String> edit)
            throws IOException {
        List<String> lines = new ArrayList<>(Files.readString(csv).lines().toList());
        lines.set(lineNo - 1, edit.apply(lines.get(lineNo - 1)));
        Files.writeString(csv, String.join("\n", lines) + "\n");
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " lacks " + from);
        Files.writeString(file, text.replace(from, to));
    }

    private static void appendText(Path file, String text) throws IOException {
        Files.writeString(file, Files.readString(file) + text);
    }

    /** As a full disk leaves a file: the last row stops after its third field, with no newline. */
    private static void cutShort(Path csv) throws IOException {
        String text = Files.readString(csv);
        int lastLine = text.lastIndexOf('\n', text.length() - 2) + 1;
        int thirdComma = text.indexOf(',', text.indexOf(',', text.indexOf(',', lastLine) + 1) + 1);
        Files.writeString(csv, text.substring(0, thirdComma));
    }

    /** The per-cell copies, so the reader cannot fall back on them. */
    private static void deletePerCell(Path run, String file) throws IOException {
        try (Stream<Path> cells = Files.list(run.resolve("cells"))) {
            for (Path cell : cells.toList()) {
                Files.deleteIfExists(cell.resolve(file));
            }
        }
    }
}
