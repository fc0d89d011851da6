package org.normbench.analysis.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of one results CSV (an aggregate file, or the per-cell copies under cells/ when
 * the aggregate is missing) and gives typed, checked access to named columns. Rows are never
 * materialised as a whole, so the multi-million-row histogram file stays cheap. Not a general CSV
 * library: it knows only the conventions of docs/results-format.md (header row, empty = missing,
 * unknown columns ignored).
 */
public final class CsvTable {
  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

  private final List<Path> files;
  private final String name;

  private CsvTable(String name, List<Path> files) {
    this.name = name;
    this.files = files;
  }

  /**
   * The aggregate {@code runDir/name}, else every {@code runDir/cells/<id>/name} in cell-id order,
   * else nothing (an empty, absent table).
   */
  public static CsvTable locate(Path runDir, String name) throws IOException {
    Path aggregate = runDir.resolve(name);
    if (Files.isRegularFile(aggregate)) {
      return new CsvTable(name, List.of(aggregate));
    }
    List<Path> perCell = new ArrayList<>();
    Path cells = runDir.resolve("cells");
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

  public boolean isPresent() {
    return !files.isEmpty();
  }

  public String name() {
    return name;
  }

  /** Calls {@code action} for every data row of every backing file, in order. */
  public void forEach(List<String> requiredColumns, Consumer<Row> action) throws IOException {
    for (Path file : files) {
      try (Reader in = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), 1 << 16);
          CSVParser parser = CSVParser.builder().setReader(in).setFormat(FORMAT).get()) {
        Map<String, Integer> header = new HashMap<>(parser.getHeaderMap());
        for (String column : requiredColumns) {
          if (!header.containsKey(column)) {
            throw new ResultsFormatException(
                file + ":1: missing column '" + column + "' (header has " + parser.getHeaderNames() + ")");
          }
        }
        Row row = new Row(file, header);
        try {
          for (CSVRecord record : parser) {
            row.record = record;
            action.accept(row);
          }
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
          throw new ResultsFormatException(file + ": malformed CSV near line "
              + parser.getCurrentLineNumber() + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /** One data row; valid only inside the {@code forEach} callback. */
  public static final class Row {
    private final Path file;
    private final Map<String, Integer> header;
    private CSVRecord record;

    Row(Path file, Map<String, Integer> header) {
      this.file = file;
      this.header = header;
    }

    /** 1-based line number of the row in its file (header is line 1). */
    public long line() {
      return record.getRecordNumber() + 1;
    }

    public Path file() {
      return file;
    }

    public boolean has(String column) {
      return header.containsKey(column);
    }

    /** The raw field; empty string when the column is absent or the row is short. */
    public String text(String column) {
      Integer index = header.get(column);
      if (index == null) {
        return "";
      }
      if (index >= record.size()) {
        throw ResultsFormatException.at(file, line(), column,
            "row has " + record.size() + " fields, header has " + header.size());
      }
      return record.get(index);
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
        throw ResultsFormatException.at(file, line(), column, "'" + value + "' is not an integer");
      }
    }

    public long longValue(String column) {
      String value = requireText(column);
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw ResultsFormatException.at(file, line(), column, "'" + value + "' is not an integer");
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
        throw ResultsFormatException.at(file, line(), column, "'" + value + "' is not a number");
      }
      if (!nonFiniteAllowed && !Double.isFinite(parsed)) {
        throw ResultsFormatException.at(file, line(), column,
            "'" + value + "' is not finite (only loss columns may hold NaN/Infinity)");
      }
      if (value.indexOf('x') >= 0 || value.indexOf('X') >= 0 || value.endsWith("d") || value.endsWith("f")
          || value.endsWith("D") || value.endsWith("F")) {
        throw ResultsFormatException.at(file, line(), column, "'" + value + "' is not a plain decimal number");
      }
      return parsed;
    }
  }
}
