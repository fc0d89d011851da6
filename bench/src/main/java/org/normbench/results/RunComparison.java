package org.normbench.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Compares two stored runs cell by cell, for {@code normbench compare}: does B reproduce A? Per
 * train cell it gives the difference in test accuracy and final training loss and one of three
 * verdicts - bit-for-bit (every stored loss and accuracy equal as written), within the seed-to-seed
 * spread (where either run has two or more seeds of the cell's configuration: |difference in test
 * accuracy| at most twice their standard deviation), or differ. It then names the recorded facts
 * that differ between the runs and can explain a difference (CPU, oneDNN ISA, libtorch, commit,
 * threads). Reads stored files only: no engine, so it runs anywhere the results are.
 */
public final class RunComparison {
    /**
     * A cell reproduces within the spread when |delta accuracy| <= this many seed standard
     * deviations.
     */
    public static final double SPREAD_SIGMAS = 2.0;

    /** Verdict for one cell. */
    public enum Verdict {
        BIT_FOR_BIT("bit-for-bit"),
        WITHIN_SPREAD("within seed spread"),
        DIFFER("differ"),
        ONLY_IN_A("only in A"),
        ONLY_IN_B("only in B"),
        NOT_COMPARABLE("not compared");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** One cell of the comparison; numbers are NaN where a run has no value. */
    public record CellDiff(
            String cellId,
            String kind,
            String statusA,
            String statusB,
            double accA,
            double accB,
            double lossA,
            double lossB,
            double spread,
            Verdict verdict,
            String note) {}

    /** A recorded fact that differs between the runs (null: not recorded in that run). */
    public record FactDiff(String fact, String a, String b) {}

    /** The whole comparison. */
    public record Result(Path a, Path b, List<CellDiff> cells, List<FactDiff> facts) {
        public long count(Verdict v) {
            return cells.stream().filter(c -> c.verdict() == v).count();
        }

        /** True when every cell present in both runs agrees bit for bit or within the spread. */
        public boolean reproduced() {
            return cells.stream().noneMatch(c -> c.verdict() == Verdict.DIFFER);
        }
    }

    /** Facts from manifest.json that can explain differing numbers, as (label, JSON path). */
    static final List<String[]> FACTS =
            List.of(
                    new String[] {"CPU model", "cpu.model|host.cpu"},
                    new String[] {"oneDNN ISA", "cpu.onednn_isa|allocator.DNNL_MAX_CPU_ISA"},
                    new String[] {"ATen CPU capability", "cpu.aten_cpu_capability"},
                    new String[] {"libtorch", "versions.libtorch"},
                    new String[] {"DJL", "versions.djl"},
                    new String[] {"Java", "versions.java"},
                    new String[] {"git commit", "git.commit"},
                    new String[] {"uncommitted changes", "git.dirty"},
                    new String[] {"intra-op threads", "threads.intra_op|torch_threads.intra_op"},
                    new String[] {"inter-op threads", "threads.inter_op|torch_threads.inter_op"},
                    new String[] {
                        "OMP_NUM_THREADS", "threads.OMP_NUM_THREADS|allocator.OMP_NUM_THREADS"
                    },
                    new String[] {"CPU threads", "host.cpu_threads"},
                    new String[] {"grid", "grid_sha256"},
                    new String[] {"GPUs", "gpus"});

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunComparison() {}

    public static Result compare(Path runA, Path runB) throws IOException {
        Map<String, CSVRecord> a = cells(runA);
        Map<String, CSVRecord> b = cells(runB);
        Map<String, List<String>> curvesA = curves(runA);
        Map<String, List<String>> curvesB = curves(runB);
        Map<String, Double> spread = new LinkedHashMap<>();
        for (Map<String, CSVRecord> run : List.of(a, b)) {
            seedSpread(run).forEach((k, v) -> spread.merge(k, v, Math::max));
        }
        TreeSet<String> ids = new TreeSet<>(a.keySet());
        ids.addAll(b.keySet());
        List<CellDiff> out = new ArrayList<>();
        for (String id : ids) {
            CSVRecord ra = a.get(id);
            CSVRecord rb = b.get(id);
            CSVRecord any = ra != null ? ra : rb;
            String kind = any.get("kind");
            double s = spread.getOrDefault(configKey(any), Double.NaN);
            double accA = num(ra, "test_accuracy");
            double accB = num(rb, "test_accuracy");
            double lossA = num(ra, "final_train_loss");
            double lossB = num(rb, "final_train_loss");
            Verdict v;
            String note = "";
            if (ra == null || rb == null) {
                v = ra == null ? Verdict.ONLY_IN_B : Verdict.ONLY_IN_A;
            } else if (!"train".equals(kind)) {
                v = Verdict.NOT_COMPARABLE;
                note =
                        String.format(
                                Locale.ROOT,
                                "timing: %.1f vs %.1f img/s%s",
                                num(ra, "images_per_second"),
                                num(rb, "images_per_second"),
                                "true".equals(rb.isMapped("contended") ? rb.get("contended") : "")
                                                || "true"
                                                        .equals(
                                                                ra.isMapped("contended")
                                                                        ? ra.get("contended")
                                                                        : "")
                                        ? ", contended"
                                        : "");
            } else if (!ra.get("status").equals(rb.get("status"))) {
                v = Verdict.DIFFER;
                note = "status " + ra.get("status") + " vs " + rb.get("status");
            } else if (sameStored(ra, rb) && Objects.equals(curvesA.get(id), curvesB.get(id))) {
                v = Verdict.BIT_FOR_BIT;
            } else if (!Double.isNaN(s) && Math.abs(accA - accB) <= SPREAD_SIGMAS * s) {
                v = Verdict.WITHIN_SPREAD;
            } else {
                v = Verdict.DIFFER;
                note = Double.isNaN(s) ? "one seed per run: no spread to judge by" : "";
            }
            out.add(
                    new CellDiff(
                            id,
                            kind,
                            ra == null ? "" : ra.get("status"),
                            rb == null ? "" : rb.get("status"),
                            accA,
                            accB,
                            lossA,
                            lossB,
                            s,
                            v,
                            note));
        }
        return new Result(runA, runB, out, factDiffs(manifest(runA), manifest(runB)));
    }

    /** The columns that hold a train cell's outcome, compared as the text written. */
    private static boolean sameStored(CSVRecord a, CSVRecord b) {
        for (String c : List.of("final_train_loss", "test_loss", "test_accuracy", "steps")) {
            if (!a.get(c).equals(b.get(c))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Standard deviation of test accuracy over seeds, per configuration with at least two ok seeds.
     */
    static Map<String, Double> seedSpread(Map<String, CSVRecord> run) {
        Map<String, List<Double>> byConfig = new TreeMap<>();
        for (CSVRecord r : run.values()) {
            double acc = num(r, "test_accuracy");
            if ("train".equals(r.get("kind"))
                    && "ok".equals(r.get("status"))
                    && !Double.isNaN(acc)) {
                byConfig.computeIfAbsent(configKey(r), k -> new ArrayList<>()).add(acc);
            }
        }
        Map<String, Double> out = new TreeMap<>();
        byConfig.forEach(
                (k, xs) -> {
                    if (xs.size() >= 2) {
                        double mean =
                                xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                        double ss = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
                        out.put(k, Math.sqrt(ss / (xs.size() - 1)));
                    }
                });
        return out;
    }

    /** The cell's configuration without its seed. */
    private static String configKey(CSVRecord r) {
        StringBuilder sb = new StringBuilder();
        for (String c :
                List.of(
                        "kind",
                        "norm",
                        "norm_options",
                        "activation",
                        "activation_options",
                        "batch_size",
                        "device",
                        "width",
                        "dataset")) {
            sb.append(r.isMapped(c) ? r.get(c) : "").append('|');
        }
        return sb.toString();
    }

    static List<FactDiff> factDiffs(Map<String, Object> a, Map<String, Object> b) {
        List<FactDiff> out = new ArrayList<>();
        for (String[] f : FACTS) {
            String va = fact(a, f[1]);
            String vb = fact(b, f[1]);
            if (!Objects.equals(va, vb)) {
                out.add(new FactDiff(f[0], va, vb));
            }
        }
        String fa = rbnFused(a);
        String fb = rbnFused(b);
        if (!fa.equals(fb)) {
            out.add(new FactDiff("rbn step fused", fa, fb));
        }
        return out;
    }

    /**
     * Where rbn's training step ran under libtorch's graph executor ({@code rbn_fuse}), as it
     * affected this run: {@code gpu} means nowhere on a machine without GPUs, and runs made before
     * the setting existed ran it op by op everywhere. So a CPU run of today and the committed
     * reference both read {@code off}, as their rbn arithmetic is the same. A failed check of the
     * optimised step ({@code rbn_fuse_check}) turned it off for the whole invocation.
     */
    static String rbnFused(Map<String, Object> manifest) {
        String setting = fact(manifest, "rbn_fuse");
        if (setting == null) {
            return "off";
        }
        if (manifest.get("rbn_fuse_check") instanceof Map<?, ?> checks
                && checks.values().stream().anyMatch(v -> String.valueOf(v).startsWith("failed"))) {
            return "off (its check failed)";
        }
        if (setting.equals("gpu")) {
            return manifest.get("gpus") instanceof List<?> gpus && !gpus.isEmpty()
                    ? "on GPU cells"
                    : "off";
        }
        return setting.equals("on") ? "on" : "off";
    }

    /**
     * The first recorded value among {@code paths} ("a.b|c.d"), as text; null when none is
     * recorded.
     */
    private static String fact(Map<String, Object> manifest, String paths) {
        for (String path : paths.split("\\|")) {
            Object o = manifest;
            for (String part : path.split("\\.")) {
                o = o instanceof Map<?, ?> m ? m.get(part) : null;
            }
            if (o != null) {
                return String.valueOf(o);
            }
        }
        return null;
    }

    private static double num(CSVRecord r, String column) {
        if (r == null || !r.isMapped(column) || r.get(column).isBlank()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(r.get(column));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Map<String, CSVRecord> cells(Path run) throws IOException {
        Path f = run.resolve(ResultsSchema.CELLS);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(
                    run + ": not a run directory (no " + ResultsSchema.CELLS + ")");
        }
        Map<String, CSVRecord> out = new LinkedHashMap<>();
        for (CSVRecord r : read(f)) {
            for (String c :
                    List.of("cell_id", "kind", "status", "test_accuracy", "final_train_loss")) {
                if (!r.isMapped(c)) {
                    throw new IllegalArgumentException(f + ": missing column '" + c + "'");
                }
            }
            if (out.put(r.get("cell_id"), r) != null) {
                throw new IllegalArgumentException(
                        f + ":" + r.getRecordNumber() + ": duplicate cell " + r.get("cell_id"));
            }
        }
        return out;
    }

    /**
     * train_loss per logged step of each cell, as written; empty when the run has no curves.csv.
     */
    private static Map<String, List<String>> curves(Path run) throws IOException {
        Path f = run.resolve(ResultsSchema.CURVES);
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        for (CSVRecord r : read(f)) {
            if (r.isMapped("cell_id") && r.isMapped("step") && r.isMapped("train_loss")) {
                out.computeIfAbsent(r.get("cell_id"), k -> new ArrayList<>())
                        .add(r.get("step") + ":" + r.get("train_loss"));
            }
        }
        return out;
    }

    private static List<CSVRecord> read(Path f) throws IOException {
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(r)
                    .getRecords();
        } catch (UncheckedIOException | IllegalStateException | CharacterCodingException e) {
            throw new IllegalArgumentException(f + ": not a readable CSV (" + e.getMessage() + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> manifest(Path run) throws IOException {
        Path f = run.resolve(ResultsSchema.MANIFEST);
        if (!Files.isRegularFile(f)) {
            return Map.of();
        }
        try {
            return JSON.readValue(f.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    f + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** The human-readable comparison: one line per cell, a tally, and the differing facts. */
    public static String render(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("A: ").append(r.a()).append('\n').append("B: ").append(r.b()).append("\n\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-44s %8s %8s %8s  %9s %9s %9s  %s%n",
                        "cell",
                        "acc A",
                        "acc B",
                        "d acc",
                        "loss A",
                        "loss B",
                        "d loss",
                        "verdict"));
        for (CellDiff c : r.cells()) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-44s %8s %8s %8s  %9s %9s %9s  %s%s%n",
                            c.cellId(),
                            f4(c.accA()),
                            f4(c.accB()),
                            signed(c.accB() - c.accA()),
                            f4(c.lossA()),
                            f4(c.lossB()),
                            signed(c.lossB() - c.lossA()),
                            c.verdict().text(),
                            c.note().isEmpty() ? "" : " (" + c.note() + ")"));
        }
        long train =
                r.cells().stream()
                        .filter(
                                c ->
                                        "train".equals(c.kind())
                                                && c.verdict() != Verdict.ONLY_IN_A
                                                && c.verdict() != Verdict.ONLY_IN_B)
                        .count();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%ntrain cells in both runs: %d; bit-for-bit %d, within seed spread %d, differ %d",
                        train,
                        r.count(Verdict.BIT_FOR_BIT),
                        r.count(Verdict.WITHIN_SPREAD),
                        r.count(Verdict.DIFFER)));
        if (r.count(Verdict.ONLY_IN_A) + r.count(Verdict.ONLY_IN_B) > 0) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "; only in A %d, only in B %d",
                            r.count(Verdict.ONLY_IN_A),
                            r.count(Verdict.ONLY_IN_B)));
        }
        DoubleSummary d = DoubleSummary.of(r.cells());
        if (d.n > 0) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%n|d acc| over differing cells: mean %.4f, max %.4f",
                            d.mean,
                            d.max));
        }
        sb.append("\n\n");
        if (r.facts().isEmpty()) {
            sb.append(
                    "recorded provenance: no difference in CPU, ISA, libtorch, commit, threads or grid\n");
        } else {
            sb.append("recorded provenance that differs (may explain differences):\n");
            for (FactDiff f : r.facts()) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "  %-22s A: %s%n  %-22s B: %s%n",
                                f.fact(),
                                orUnrecorded(f.a()),
                                "",
                                orUnrecorded(f.b())));
            }
        }
        sb.append('\n')
                .append(
                        r.reproduced()
                                ? "verdict: B reproduces A (bit-for-bit where the machine and settings match, else within the seed spread)"
                                : "verdict: B does not reproduce A; bit-for-bit needs the same CPU ISA, libtorch, threads and commit (README, Reproducibility)");
        return sb.append('\n').toString();
    }

    private static final class DoubleSummary {
        int n;
        double mean;
        double max;

        static DoubleSummary of(List<CellDiff> cells) {
            DoubleSummary s = new DoubleSummary();
            double sum = 0;
            for (CellDiff c : cells) {
                double d = Math.abs(c.accB() - c.accA());
                if (c.verdict() == Verdict.DIFFER && !Double.isNaN(d)) {
                    s.n++;
                    sum += d;
                    s.max = Math.max(s.max, d);
                }
            }
            s.mean = s.n == 0 ? 0 : sum / s.n;
            return s;
        }
    }

    private static String orUnrecorded(String v) {
        return v == null ? "(not recorded)" : v;
    }

    private static String f4(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.4f", v);
    }
}
