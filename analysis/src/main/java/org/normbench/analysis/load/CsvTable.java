package org.normbench.analysis.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of one results CSV (an aggregate file, or the per-cell copies under cells/ when
 * the aggregate is missing) and gives typed, checked access to named columns. Rows are never
 * materialised as a whole, so the multi-million-row histogram file stays cheap. Not a general CSV
 * library: it knows only the conventions of docs/results-format.md (UTF-8 text, header row with the
 * columns of {@link ResultsColumns}, empty = missing, unknown columns ignored).
 */
public final class CsvTable {
    private static final CSVFormat RECORD = CSVFormat.RFC4180;

    private final List<Path> files;
    private final String name;

    private CsvTable(String name, List<Path> files) {
        this.name = name;
        this.files = files;
    }

    /**
     * Suffix of a gzip-compressed results file, read like the plain one (docs/results-format.md).
     */
    public static final String GZIP_SUFFIX = ".gz";

    /**
     * The aggregate {@code runDir/name} (or, when that is absent, its gzip-compressed {@code
     * name.gz}, as the committed reference runs store their large tables), else every {@code
     * runDir/cells/<id>/name} in cell-id order, else nothing (an empty, absent table). The per-cell
     * files are also used when {@code cells/} changed after the aggregate was written: the harness
     * rebuilds the large aggregates only now and then during a run, so in a running or killed run
     * they can lag the finished cells.
     */
    public static CsvTable locate(Path runDir, String name) throws IOException {
        Path aggregate = runDir.resolve(name);
        if (!Files.isRegularFile(aggregate)
                && Files.isRegularFile(runDir.resolve(name + GZIP_SUFFIX))) {
            aggregate = runDir.resolve(name + GZIP_SUFFIX);
        }
        Path cells = runDir.resolve("cells");
        if (Files.isRegularFile(aggregate)
                && !(Files.isDirectory(cells)
                        && Files.getLastModifiedTime(cells)
                                        .compareTo(Files.getLastModifiedTime(aggregate))
                                > 0)) {
            return new CsvTable(name, List.of(aggregate));
        }
        List<Path> perCell = new ArrayList<>();
        if (Files.isDirectory(cells)) {
            try (var dirs = Files.list(cells)) {
                dirs.filter(d -> !d.getFileName().toString().startsWith(".tmp-"))
                        .sorted()
                        .map(d -> d.resolve(name))
                        .filter(Files::isRegularFile)
                        .forEach(perCell::add);
            }
        }
        return new CsvTable(name, perCell);
    }

    /** The bytes of a results file, decompressed when its name ends in {@value #GZIP_SUFFIX}. */
    static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(GZIP_SUFFIX)
                ? new GZIPInputStream(in, 1 << 16)
                : in;
    }

    /** Exactly these files, in this order. */
    static CsvTable of(String name, List<Path> files) {
        return new CsvTable(name, List.copyOf(files));
    }

    /** The files read, in order (the aggregate, or the per-cell copies). */
    public List<Path> files() {
        return files;
    }

    public boolean isPresent() {
        return !files.isEmpty();
    }

    public String name() {
        return name;
    }

    /**
     * Calls {@code action} for every data row of every backing file, in order. Lines without a
     * quote character (all rows of the numeric files) are split on commas directly, which is
     * several times faster than a general parser on millions of rows; a line with quotes goes
     * through Commons CSV, joined with its continuation lines when a quoted field spans lines.
     */
    public void forEach(Consumer<Row> action) throws IOException {
        forEach(line -> true, action);
    }

    /**
     * Like {@link #forEach(Consumer)}, but skips quote-free lines for which {@code lineFilter} is
     * false before splitting them: a cheap pre-filter (e.g. on the cell-id prefix) for the
     * multi-million-row histogram file. Lines with quotes are never filtered; callers check them
     * again.
     */
    public void forEach(Predicate<String> lineFilter, Consumer<Row> action) throws IOException {
        ResultsColumns schema =
                ResultsColumns.of(name)
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "no column list for "
                                                        + name
                                                        + " in ResultsColumns"));
        for (Path file : files) {
            // Malformed UTF-8 becomes U+FFFD (checked per line below) rather than an exception
            // thrown
            // from a read-ahead buffer, so the message can name the line.
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(open(file), StandardCharsets.UTF_8), 1 << 16)) {
                String headerLine = in.readLine();
                if (headerLine == null) {
                    throw new ResultsFormatException(
                            file + ":1: empty file, expected a header row");
                }
                requireText(file, 1, headerLine);
                if (!headerLine.isEmpty() && headerLine.charAt(0) == '\uFEFF') {
                    headerLine = headerLine.substring(1);
                }
                List<String> names = parseQuoted(file, 1, headerLine);
                schema.checkHeader(file, names);
                Map<String, Integer> header = new HashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    header.put(names.get(i), i);
                }
                Row row = new Row(file, header, names.size());
                long lineNo = 1;
                String line;
                while ((line = in.readLine()) != null) {
                    lineNo++;
                    long rowLine = lineNo;
                    if (line.isEmpty()) {
                        continue;
                    }
                    requireText(file, rowLine, line);
                    if (line.indexOf('"') < 0) {
                        if (!lineFilter.test(line)) {
                            continue;
                        }
                        row.split(line, rowLine);
                    } else {
                        StringBuilder joined = new StringBuilder(line);
                        while (quotesOpen(joined)) {
                            String next = in.readLine();
                            if (next == null) {
                                throw new ResultsFormatException(
                                        file + ":" + rowLine + ": quoted field is never closed");
                            }
                            lineNo++;
                            joined.append('\n').append(next);
                        }
                        row.fields(parseQuoted(file, rowLine, joined.toString()), rowLine);
                    }
                    action.accept(row);
                }
            }
        }
    }

    /**
     * A line of a binary or non-UTF-8 file is refused with its line number, before any field is
     * read.
     */
    private static void requireText(Path file, long line, String text) {
        if (text.indexOf('\0') >= 0) {
            throw new ResultsFormatException(
                    file
                            + ":"
                            + line
                            + ": binary data (a NUL byte); a results file is UTF-8 CSV text");
        }
        if (text.indexOf('\uFFFD') >= 0) {
            throw new ResultsFormatException(
                    file
                            + ":"
                            + line
                            + ": not UTF-8 text (a byte sequence that does not decode);"
                            + " a results file is UTF-8 CSV text");
        }
    }

    private static boolean quotesOpen(CharSequence s) {
        int quotes = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '"') {
                quotes++;
            }
        }
        return quotes % 2 == 1;
    }

    private static List<String> parseQuoted(Path file, long line, String text) throws IOException {
        try (CSVParser parser =
                CSVParser.builder().setReader(new StringReader(text)).setFormat(RECORD).get()) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new ResultsFormatException(
                        file + ":" + line + ": expected one CSV record, found " + records.size());
            }
            return records.get(0).toList();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new ResultsFormatException(
                    file + ":" + line + ": malformed CSV: " + e.getMessage(), e);
        }
    }

    /** One data row; valid only inside the {@code forEach} callback. */
    public static final class Row {
        private final Path file;
        private final Map<String, Integer> header;
        private final int columns;
        private String line;
        private int[] starts;
        private int[] ends;
        private List<String> parsed;
        private int size;
        private long lineNo;

        Row(Path file, Map<String, Integer> header, int columns) {
            this.file = file;
            this.header = header;
            this.columns = columns;
            this.starts = new int[columns + 1];
            this.ends = new int[columns + 1];
        }

        private final String[] cachedNames = new String[16];
        private final int[] cachedIndex = new int[16];
        private int cached;

        /**
         * Column names are string literals at every call site, so a linear scan by reference over
         * the few names a reader uses beats hashing on millions of rows; -1 when the column is
         * absent.
         */
        private int lookup(String column) {
            for (int i = 0; i < cached; i++) {
                if (cachedNames[i] == column) {
                    return cachedIndex[i];
                }
            }
            Integer index = header.get(column);
            int resolved = index == null ? -1 : index;
            if (cached < cachedNames.length) {
                cachedNames[cached] = column;
                cachedIndex[cached++] = resolved;
            }
            return resolved;
        }

        void split(String text, long number) {
            line = text;
            parsed = null;
            lineNo = number;
            int n = 0;
            int from = 0;
            while (true) {
                int comma = text.indexOf(',', from);
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                    ends = Arrays.copyOf(ends, n * 2);
                }
                starts[n] = from;
                ends[n] = comma < 0 ? text.length() : comma;
                n++;
                if (comma < 0) {
                    break;
                }
                from = comma + 1;
            }
            size = n;
        }

        void fields(List<String> values, long number) {
            parsed = values;
            line = null;
            size = values.size();
            lineNo = number;
        }

        /** 1-based line number of the row in its file (header is line 1). */
        public long line() {
            return lineNo;
        }

        public Path file() {
            return file;
        }

        public boolean has(String column) {
            return header.containsKey(column);
        }

        /** The raw field; empty string when the column is absent from the header. */
        public String text(String column) {
            int index = lookup(column);
            if (index < 0) {
                return "";
            }
            if (size != columns) {
                throw new ResultsFormatException(
                        file
                                + ":"
                                + line()
                                + ": row has "
                                + size
                                + " fields, header has "
                                + columns
                                + " (a missing or extra comma, or a line cut short)");
            }
            return parsed != null ? parsed.get(index) : line.substring(starts[index], ends[index]);
        }

        public String requireText(String column) {
            String value = text(column);
            if (value.isEmpty()) {
                throw ResultsFormatException.at(file, line(), column, "empty, a value is required");
            }
            return value;
        }

        public int integer(String column) {
            String value = requireText(column);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw ResultsFormatException.at(
                        file, line(), column, "'" + value + "' is not an integer");
            }
        }

        public long longValue(String column) {
            String value = requireText(column);
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw ResultsFormatException.at(
                        file, line(), column, "'" + value + "' is not an integer");
            }
        }

        /** A finite double, or NaN when the field is empty (missing). */
        public double optionalDouble(String column) {
            String value = text(column);
            if (value.isEmpty()) {
                return Double.NaN;
            }
            return parseDouble(column, value, false);
        }

        /** Like {@link #optionalDouble} but also accepts NaN/Infinity text (loss columns only). */
        public double lossValue(String column) {
            String value = text(column);
            if (value.isEmpty()) {
                return Double.NaN;
            }
            return parseDouble(column, value, true);
        }

        public double requireDouble(String column) {
            return parseDouble(column, requireText(column), false);
        }

        private double parseDouble(String column, String value, boolean nonFiniteAllowed) {
            double parsed;
            try {
                parsed = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw ResultsFormatException.at(
                        file, line(), column, "'" + value + "' is not a number");
            }
            if (!nonFiniteAllowed && !Double.isFinite(parsed)) {
                throw ResultsFormatException.at(
                        file,
                        line(),
                        column,
                        "'" + value + "' is not finite (only loss columns may hold NaN/Infinity)");
            }
            if (value.indexOf('x') >= 0
                    || value.indexOf('X') >= 0
                    || value.endsWith("d")
                    || value.endsWith("f")
                    || value.endsWith("D")
                    || value.endsWith("F")) {
                throw ResultsFormatException.at(
                        file, line(), column, "'" + value + "' is not a plain decimal number");
            }
            return parsed;
        }
    }
}
