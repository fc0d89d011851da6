package org.normbench.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * One run's directory, {@code reports/runs/<run-id>/}, and the crash-safety rules for writing it: a
 * cell is written under a temporary name and renamed into {@code cells/<cell-id>/} only when
 * complete; the aggregate CSVs and the manifest are written to a temporary file and renamed. So
 * after {@code kill -9} at any moment, every visible file is whole, and a rerun with the same run
 * id sees exactly the cells that finished. Not a scheduler: which cells to run is the runner's job.
 */
public final class RunDirectory {
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final String TMP_PREFIX = ".tmp-";
    static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) the directory of {@code runId} under {@code runsDir}. */
    public static RunDirectory open(Path runsDir, String runId) throws IOException {
        requireSafeName(runId);
        RunDirectory dir = new RunDirectory(runsDir.resolve(runId));
        Files.createDirectories(dir.cellsDir());
        dir.removeStaleTemporaries();
        return dir;
    }

    /** Opens an existing run directory without creating anything (for merge inputs). */
    public static RunDirectory existing(Path root) {
        if (!Files.isDirectory(root.resolve("cells"))) {
            throw new IllegalArgumentException(
                    root + " is not a normbench run directory (no cells/ inside)");
        }
        return new RunDirectory(root);
    }

    /** Refuses a run id that is not {@link #isSafeName safe}, saying what one looks like. */
    public static void requireSafeName(String runId) {
        if (!isSafeName(runId)) {
            throw new IllegalArgumentException(
                    "run id '"
                            + runId
                            + "' must match "
                            + SAFE_NAME.pattern()
                            + " (letters, digits, '.', '_', '-')");
        }
    }

    public static boolean isSafeName(String name) {
        return name != null && SAFE_NAME.matcher(name).matches();
    }

    public Path root() {
        return root;
    }

    public String runId() {
        return root.getFileName().toString();
    }

    public Path cellsDir() {
        return root.resolve("cells");
    }

    public Path manifestPath() {
        return root.resolve(ResultsSchema.MANIFEST);
    }

    /** Ids of finished cells, sorted. */
    public List<String> finishedCells() throws IOException {
        TreeSet<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cellsDir())) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith(TMP_PREFIX)
                        && Files.isRegularFile(p.resolve(ResultsSchema.CELLS))) {
                    ids.add(name);
                }
            }
        }
        return new ArrayList<>(ids);
    }

    /** Status of a finished cell, read back from its cells.csv row. */
    public Optional<CellStatus> statusOf(String cellId) throws IOException {
        Path file = cellsDir().resolve(cellId).resolve(ResultsSchema.CELLS);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                var parser = CSV.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            for (var rec : parser) {
                CellStatus status =
                        CellOutcome.read(name -> rec.isMapped(name) ? rec.get(name) : null)
                                .status();
                if (status == null) {
                    throw new IllegalStateException(file + ":2: the status field is empty");
                }
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    /**
     * Writes a finished cell atomically: all files under a temporary directory, flushed to disk,
     * then one rename. An earlier result of the same cell (a retried failure) is replaced.
     */
    public void writeCell(CellOutput cell) throws IOException {
        Path tmp = cellsDir().resolve(TMP_PREFIX + cell.cellId() + "-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        try {
            writeCsv(
                    tmp.resolve(ResultsSchema.CELLS),
                    ResultsSchema.CELL_COLUMNS,
                    List.of(cell.outcome().csvValues()));
            writeCsv(tmp.resolve(ResultsSchema.CURVES), ResultsSchema.CURVE_COLUMNS, cell.curves());
            writeCsv(
                    tmp.resolve(ResultsSchema.ACTIVATIONS),
                    ResultsSchema.ACTIVATION_COLUMNS,
                    cell.activations());
            writeCsv(
                    tmp.resolve(ResultsSchema.HISTOGRAMS),
                    ResultsSchema.HISTOGRAM_COLUMNS,
                    cell.histograms());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("schema_version", ResultsSchema.VERSION);
            json.put("cell_id", cell.cellId());
            json.put("spec", cell.spec());
            json.put("result", cell.outcome().asMap());
            writeBytesDurably(tmp.resolve(ResultsSchema.CELL_JSON), JSON.writeValueAsBytes(json));
            Path target = cellsDir().resolve(cell.cellId());
            if (Files.exists(target)) {
                deleteRecursively(target);
            }
            moveAtomically(tmp, target);
            fsyncDirectory(cellsDir());
        } finally {
            if (Files.exists(tmp)) {
                deleteRecursively(tmp);
            }
        }
    }

    /**
     * Rebuilds the four aggregate CSVs from {@code cells/}, in cell-id order. Each is written to a
     * temporary file and renamed, so readers see the old or the new file, never a partial one.
     */
    public void rebuildAggregates() throws IOException {
        rebuildAggregates(ResultsSchema.TABLES);
    }

    /**
     * Rebuilds only {@code tables} (names from {@link ResultsSchema#TABLES}), as {@link
     * #rebuildAggregates()}.
     */
    public void rebuildAggregates(List<String> tables) throws IOException {
        for (String table : tables) {
            if (!ResultsSchema.TABLES.contains(table)) {
                throw new IllegalArgumentException(
                        "unknown results table '" + table + "'; allowed: " + ResultsSchema.TABLES);
            }
        }
        List<String> ids = finishedCells();
        for (String table : tables) {
            Path tmp = root.resolve(TMP_PREFIX + table + "-" + UUID.randomUUID());
            try (OutputStream out =
                    Files.newOutputStream(
                            tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(
                        (String.join(",", ResultsSchema.columnsOf(table)) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                for (String id : ids) {
                    appendWithoutHeader(cellsDir().resolve(id).resolve(table), out);
                }
            }
            fsync(tmp);
            moveAtomically(tmp, root.resolve(table));
        }
        fsyncDirectory(root);
    }

    /** Writes manifest.json atomically. */
    public void writeManifest(Map<String, Object> manifest) throws IOException {
        writeFileAtomically(manifestPath(), JSON.writeValueAsBytes(manifest));
    }

    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> readManifest() throws IOException {
        if (!Files.isRegularFile(manifestPath())) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(manifestPath().toFile(), LinkedHashMap.class));
    }

    /** Writes any file of the run (e.g. grid.yaml) atomically. */
    public void writeFileAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp =
                target.resolveSibling(TMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        try {
            writeBytesDurably(tmp, bytes);
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Copies a finished cell directory of another run (a shard) into this run, atomically. */
    public void importCell(Path sourceCellDir) throws IOException {
        String id = sourceCellDir.getFileName().toString();
        Path tmp = cellsDir().resolve(TMP_PREFIX + id + "-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        try {
            try (Stream<Path> files = Files.list(sourceCellDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, tmp.resolve(f.getFileName()));
                        fsync(tmp.resolve(f.getFileName()));
                    }
                }
            }
            moveAtomically(tmp, cellsDir().resolve(id));
        } finally {
            if (Files.exists(tmp)) {
                deleteRecursively(tmp);
            }
        }
    }

    private void removeStaleTemporaries() throws IOException {
        for (Path dir : List.of(root, cellsDir())) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, TMP_PREFIX + "*")) {
                for (Path p : ds) {
                    deleteRecursively(p);
                }
            }
        }
    }

    static void writeCsv(Path file, List<String> header, List<List<Object>> rows)
            throws IOException {
        try (OutputStream os =
                        Files.newOutputStream(
                                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Writer w =
                        new BufferedWriter(
                                new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
                CSVPrinter p = new CSVPrinter(w, CSV)) {
            p.printRecord(header);
            for (List<Object> row : rows) {
                if (row.size() != header.size()) {
                    throw new IllegalArgumentException(
                            file.getFileName()
                                    + ": row has "
                                    + row.size()
                                    + " values for "
                                    + header.size()
                                    + " columns "
                                    + header
                                    + ": "
                                    + row);
                }
                for (Object v : row) {
                    p.print(format(v));
                }
                p.println();
            }
        }
        fsync(file);
    }

    /** Formats one CSV field: empty for null, round-trip decimal for floating point. */
    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Float f) {
            return Float.toString(f);
        }
        if (v instanceof Double d) {
            return Double.toString(d);
        }
        return v.toString();
    }

    private static void appendWithoutHeader(Path file, OutputStream out) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int start = 0;
        while (start < bytes.length && bytes[start] != '\n') {
            start++;
        }
        start++;
        if (start < bytes.length) {
            out.write(bytes, start, bytes.length - start);
        }
    }

    private static void writeBytesDurably(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }

    private static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the rename is still atomic.
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(
                    from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "file system of "
                            + to.getParent()
                            + " cannot rename atomically; "
                            + "normbench needs that to keep results whole after a crash",
                    e);
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
