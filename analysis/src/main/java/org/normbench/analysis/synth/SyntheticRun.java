package org.normbench.analysis.synth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.normbench.analysis.figures.Variants;
import org.normbench.analysis.load.ResultsColumns;

/**
 * Writes a fake but plausible run in the results format (docs/results-format.md), so the report can
 * be developed, tested and timed without training anything: BatchNorm degrades at small batch,
 * GroupNorm/LayerNorm do not, RunningBatchNorm mostly rescues BN, ReLU's dead-channel fraction
 * rises in deep layers while LeakyReLU's stays low. Deterministic for a given spec. Its numbers are
 * invented: never cite them; it exists for tests and for the report's timing target.
 */
public final class SyntheticRun {

    /**
     * The invented effects, so tests can make each claim come out reproduced, contradicted or
     * inconclusive. Error terms are test-error percentage points added at the smallest batch size
     * (fading towards large batches); {@code reluZeroExcess} is ReLU's zero_frac minus LeakyReLU's.
     */
    public record Effects(
            double bnSmallBatchErrorPct,
            double gnSmallBatchErrorPct,
            double rbnSmallBatchErrorPct,
            double reluZeroExcess,
            double errorNoisePct) {
        /**
         * The published shapes: BN degrades, GN/LN flat, RBN mostly rescues BN, ReLU zeros exceed
         * LeakyReLU's.
         */
        public static Effects published() {
            return new Effects(26, 0, 2.5, 0.45, 0.35);
        }
    }

    /**
     * What to generate. {@link #small} for unit tests, {@link #fullProfile} for the timing target.
     */
    public record Spec(
            String runId,
            List<Integer> batchSizes,
            List<String> norms,
            List<String> activations,
            int seeds,
            int steps,
            int curveEvery,
            int statsEvery,
            int layers,
            int bins,
            boolean throughput,
            boolean jmh,
            boolean failures,
            Effects effects,
            List<String> lrProtocols,
            boolean deadUnitMeasures,
            String profile,
            List<String> models) {

        /** The published effects, linear lr scaling, every measure: what most tests want. */
        public Spec(
                String runId,
                List<Integer> batchSizes,
                List<String> norms,
                List<String> activations,
                int seeds,
                int steps,
                int curveEvery,
                int statsEvery,
                int layers,
                int bins,
                boolean throughput,
                boolean jmh,
                boolean failures) {
            this(
                    runId,
                    batchSizes,
                    norms,
                    activations,
                    seeds,
                    steps,
                    curveEvery,
                    statsEvery,
                    layers,
                    bins,
                    throughput,
                    jmh,
                    failures,
                    Effects.published(),
                    List.of("linear_scaling"),
                    true,
                    "synthetic",
                    List.of(DEFAULT_MODEL));
        }

        public static Spec small(String runId) {
            return new Spec(
                    runId,
                    List.of(2, 8, 32),
                    Variants.STUDY_NORMS,
                    Variants.STUDY_ACTIVATIONS,
                    2,
                    60,
                    1,
                    20,
                    3,
                    40,
                    true,
                    true,
                    true);
        }

        public static Spec fullProfile(String runId) {
            return new Spec(
                    runId,
                    List.of(2, 4, 8, 16, 32, 64, 128),
                    Variants.STUDY_NORMS,
                    Variants.STUDY_ACTIVATIONS,
                    3,
                    2000,
                    1,
                    50,
                    9,
                    40,
                    true,
                    true,
                    true);
        }

        /**
         * Only train cells (no throughput, JMH or failures), for findings tests: 2 batch sizes, 30
         * steps.
         */
        public static Spec findings(String runId, int seeds, Effects effects) {
            return new Spec(
                    runId,
                    List.of(2, 32),
                    Variants.STUDY_NORMS,
                    Variants.STUDY_ACTIVATIONS,
                    seeds,
                    30,
                    1,
                    10,
                    3,
                    40,
                    false,
                    false,
                    false,
                    effects,
                    List.of("linear_scaling"),
                    true,
                    "synthetic",
                    List.of(DEFAULT_MODEL));
        }

        public Spec withProtocols(List<String> protocols) {
            return withTail(protocols, deadUnitMeasures, profile, models);
        }

        /**
         * As a run written before zero_frac, near_zero_frac, dead_channel_frac_window, lr_protocol
         * and model existed.
         */
        public Spec withoutNewColumns() {
            return withTail(lrProtocols, false, profile, models);
        }

        public Spec withProfile(String name) {
            return withTail(lrProtocols, deadUnitMeasures, name, models);
        }

        /**
         * Trains every variant once per model (cells.csv {@code model}); each further model in the
         * list scores {@link #MODEL_ERROR_STEP_PCT} points worse, so a report that averaged models
         * together would show it.
         */
        public Spec withModels(List<String> names) {
            return withTail(lrProtocols, deadUnitMeasures, profile, List.copyOf(names));
        }

        /** This spec with the components the with-methods change given anew. */
        private Spec withTail(
                List<String> lrProtocols,
                boolean deadUnitMeasures,
                String profile,
                List<String> models) {
            return new Spec(
                    runId,
                    batchSizes,
                    norms,
                    activations,
                    seeds,
                    steps,
                    curveEvery,
                    statsEvery,
                    layers,
                    bins,
                    throughput,
                    jmh,
                    failures,
                    effects,
                    lrProtocols,
                    deadUnitMeasures,
                    profile,
                    models);
        }
    }

    /** cells.csv {@code model} of a synthetic run unless {@link Spec#withModels} says otherwise. */
    public static final String DEFAULT_MODEL = "resnet18";

    /** Test-error points added per position of a model in {@link Spec#models()}. */
    public static final double MODEL_ERROR_STEP_PCT = 3.0;

    private static final String[] LAYER_NAMES = {
        "stem",
        "layer1.0",
        "layer1.1",
        "layer2.0",
        "layer2.1",
        "layer3.0",
        "layer3.1",
        "layer4.0",
        "layer4.1"
    };
    private static final String CURVES_HEADER =
            "cell_id,step,epoch,train_loss,lr,val_loss,val_accuracy\n";
    private static final String ACTIVATIONS_HEADER =
            "cell_id,step,layer,layer_index,mean,std,min,max,frac_nonpositive,dead_channel_frac\n";
    private static final String ACTIVATIONS_HEADER_NEW =
            ACTIVATIONS_HEADER.strip() + ",zero_frac,near_zero_frac,dead_channel_frac_window\n";
    private static final String HISTOGRAMS_HEADER = "cell_id,step,layer,bin,lower,upper,count\n";
    private static final double HIST_MIN = -10;
    private static final double HIST_MAX = 10;

    private SyntheticRun() {}

    /** Writes the run under {@code runsDir/<runId>} and returns that directory. */
    public static Path write(Path runsDir, Spec spec) throws IOException {
        Path dir = runsDir.resolve(spec.runId());
        Files.createDirectories(dir);
        List<String[]> cellRows = new ArrayList<>();
        try (Writer curves = open(dir.resolve("curves.csv"));
                Writer acts = open(dir.resolve("activations.csv"));
                Writer hist = open(dir.resolve("histograms.csv"))) {
            String actsHeader =
                    spec.deadUnitMeasures() ? ACTIVATIONS_HEADER_NEW : ACTIVATIONS_HEADER;
            curves.write(CURVES_HEADER);
            acts.write(actsHeader);
            hist.write(HISTOGRAMS_HEADER);
            for (String model : spec.models()) {
                for (String protocol : spec.lrProtocols()) {
                    for (String norm : spec.norms()) {
                        for (String act : spec.activations()) {
                            for (int bs : spec.batchSizes()) {
                                for (int seed = 0; seed < spec.seeds(); seed++) {
                                    String id =
                                            "train-"
                                                    + norm
                                                    + "-"
                                                    + act
                                                    + "-bs"
                                                    + bs
                                                    + "-cpu-s"
                                                    + seed
                                                    + (protocol.equals("linear_scaling")
                                                            ? ""
                                                            : "-" + protocol)
                                                    + (model.equals(DEFAULT_MODEL)
                                                            ? ""
                                                            : "-" + model);
                                    Path cellDir = dir.resolve("cells").resolve(id);
                                    Files.createDirectories(cellDir);
                                    try (Writer c = open(cellDir.resolve("curves.csv"));
                                            Writer a = open(cellDir.resolve("activations.csv"));
                                            Writer h = open(cellDir.resolve("histograms.csv"))) {
                                        c.write(CURVES_HEADER);
                                        a.write(actsHeader);
                                        h.write(HISTOGRAMS_HEADER);
                                        cellRows.add(
                                                trainCell(
                                                        spec,
                                                        id,
                                                        model,
                                                        protocol,
                                                        norm,
                                                        act,
                                                        bs,
                                                        seed,
                                                        new Tee(curves, c),
                                                        new Tee(acts, a),
                                                        new Tee(hist, h)));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if (spec.throughput()) {
            for (String device : List.of("cpu", "gpu:0")) {
                for (String impl : List.of("djl", "pytorch-eager")) {
                    for (String norm : List.of("bn", "gn")) {
                        for (int bs : spec.batchSizes()) {
                            cellRows.add(throughputCell(spec, device, impl, norm, bs));
                        }
                    }
                }
            }
        }
        writeCells(dir.resolve("cells.csv"), cellRows, spec.deadUnitMeasures());
        for (String[] row : cellRows) {
            Path cellDir = dir.resolve("cells").resolve(row[0]);
            Files.createDirectories(cellDir);
            writeCells(
                    cellDir.resolve("cells.csv"), List.<String[]>of(row), spec.deadUnitMeasures());
            Files.writeString(
                    cellDir.resolve("cell.json"),
                    "{ \"cell_id\": \"" + row[0] + "\", \"synthetic\": true }\n",
                    StandardCharsets.UTF_8);
        }
        writeManifest(dir.resolve("manifest.json"), spec, cellRows.size());
        // As the harness leaves a finished run: aggregates written after the last cell directory
        // (readers treat older aggregates as lagging and read cells/ instead).
        FileTime now = FileTime.from(Instant.now());
        for (String table :
                List.of("cells.csv", "curves.csv", "activations.csv", "histograms.csv")) {
            if (Files.isRegularFile(dir.resolve(table))) {
                Files.setLastModifiedTime(dir.resolve(table), now);
            }
        }
        if (spec.jmh()) {
            Files.createDirectories(dir.resolve("jmh"));
            Files.writeString(
                    dir.resolve("jmh/jmh-synthetic.json"), jmhJson(), StandardCharsets.UTF_8);
        }
        return dir;
    }

    /** Writes every row to the aggregate file and to the cell's own copy, as the bench does. */
    private static final class Tee extends Writer {
        private final Writer a;
        private final Writer b;

        Tee(Writer a, Writer b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public Writer append(CharSequence cs) throws IOException {
            a.append(cs);
            b.append(cs);
            return this;
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }

        @Override
        public void close() {
            // The owners close the underlying writers.
        }
    }

    private static Writer open(Path file) throws IOException {
        return new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Invented test error (%): each norm's base plus its small-batch term, which fades by batch 16.
     */
    static double expectedErrorPercent(Effects effects, String norm, String act, int batch) {
        double log2 = Math.log(batch) / Math.log(2);
        double smallBatchPenalty = Math.exp(-(log2 - 1) / 0.9);
        double base =
                switch (norm) {
                    case "bn" -> 7.5 + effects.bnSmallBatchErrorPct() * smallBatchPenalty;
                    case "gn" -> 8.3 + effects.gnSmallBatchErrorPct() * smallBatchPenalty;
                    case "ln" -> 10.2 + effects.gnSmallBatchErrorPct() * smallBatchPenalty;
                    case "rbn" -> 7.8 + effects.rbnSmallBatchErrorPct() * smallBatchPenalty;
                    default -> 9.0;
                };
        return base + ("leaky_relu".equals(act) ? -0.25 : 0.0);
    }

    private static String[] trainCell(
            Spec spec,
            String id,
            String model,
            String protocol,
            String norm,
            String act,
            int bs,
            int seed,
            Writer curves,
            Writer acts,
            Writer hist)
            throws IOException {
        SplittableRandom rnd = new SplittableRandom(id.hashCode());
        boolean diverged =
                spec.failures()
                        && norm.equals("bn")
                        && act.equals("relu")
                        && bs == spec.batchSizes().get(0)
                        && seed == spec.seeds() - 1
                        && spec.seeds() > 1;
        double error =
                expectedErrorPercent(spec.effects(), norm, act, bs)
                        + spec.models().indexOf(model) * MODEL_ERROR_STEP_PCT
                        + rnd.nextGaussian() * spec.effects().errorNoisePct();
        double finalLoss = 0.05 + error / 40.0;
        int divergeAt = diverged ? spec.steps() / 3 : Integer.MAX_VALUE;
        double lastLoss = 0;
        StringBuilder sb = new StringBuilder(256);
        for (int step = 1; step <= spec.steps(); step += spec.curveEvery()) {
            double loss =
                    step >= divergeAt
                            ? Double.NaN
                            : finalLoss
                                    + (2.3 - finalLoss) * Math.exp(-step / (spec.steps() / 5.0))
                                    + Math.abs(rnd.nextGaussian()) * 0.15 * (1 + 4.0 / bs);
            lastLoss = loss;
            sb.setLength(0);
            sb.append(id)
                    .append(',')
                    .append(step)
                    .append(',')
                    .append((double) step / spec.steps() * 10)
                    .append(',')
                    .append(loss)
                    .append(',')
                    .append(0.1 * bs / 128.0)
                    .append(',');
            if (step % (spec.steps() / 4) == 0 && step < divergeAt) {
                sb.append(loss * 1.1).append(',').append(1 - error / 100 - 0.01);
            } else {
                sb.append(',');
            }
            curves.append(sb).append('\n');
        }
        int stepsRun = diverged ? divergeAt : spec.steps();
        for (int step = spec.statsEvery(); step <= stepsRun; step += spec.statsEvery()) {
            double progress = (double) step / spec.steps();
            for (int l = 0; l < spec.layers(); l++) {
                double depth = spec.layers() == 1 ? 0 : (double) l / (spec.layers() - 1);
                double std =
                        (norm.equals("bn") && bs <= 4 ? 1.6 : 1.0)
                                * (0.7 + 0.6 * depth)
                                * (1 + 0.3 * progress);
                double mean = (act.equals("relu") ? 0.45 : 0.4) * std;
                double dead =
                        act.equals("relu")
                                ? Math.min(
                                        1,
                                        0.45
                                                * depth
                                                * (1 - Math.exp(-3 * progress))
                                                * (norm.equals("ln") ? 1.3 : 1.0))
                                : 0.01 * depth * progress;
                double nonpos = act.equals("relu") ? 0.5 + 0.3 * dead : 0.48;
                sb.setLength(0);
                sb.append(id)
                        .append(',')
                        .append(step)
                        .append(',')
                        .append(LAYER_NAMES[l])
                        .append(',')
                        .append(l)
                        .append(',')
                        .append(mean)
                        .append(',')
                        .append(std)
                        .append(',')
                        .append(act.equals("relu") ? 0.0 : -0.05 * std)
                        .append(',')
                        .append(mean + 6 * std)
                        .append(',')
                        .append(nonpos)
                        .append(',')
                        .append(dead);
                if (spec.deadUnitMeasures()) {
                    // LeakyReLU gives exact zeros almost never; ReLU's exceed them by the spec's
                    // excess (plus seed noise).
                    double leakyZero = 0.002;
                    double zero =
                            act.equals("relu")
                                    ? clamp(
                                            leakyZero
                                                    + spec.effects().reluZeroExcess()
                                                            * (0.8 + 0.4 * depth)
                                                    + rnd.nextGaussian() * 0.01)
                                    : leakyZero;
                    double window =
                            act.equals("relu") && spec.effects().reluZeroExcess() > 0
                                    ? dead * 0.8
                                    : 0.0;
                    sb.append(',')
                            .append(zero)
                            .append(',')
                            .append(clamp(zero + 0.08))
                            .append(',')
                            .append(window);
                }
                sb.append('\n');
                acts.append(sb);
                writeHistogram(
                        hist, sb, id, step, l, spec.bins(), mean, std, act.equals("relu"), nonpos);
            }
        }
        String status = diverged ? "diverged" : "ok";
        double accuracy = 1 - error / 100;
        return new String[] {
            id,
            "train",
            norm,
            "",
            act,
            act.equals("leaky_relu") ? "negative_slope=0.01" : "",
            Integer.toString(bs),
            "cpu",
            Integer.toString(seed),
            "0.25",
            "fashion-mnist",
            "djl",
            status,
            diverged ? "training loss became NaN at step " + divergeAt : "",
            "698154",
            "10.0",
            Integer.toString(stepsRun),
            Double.toString(diverged ? Double.NaN : lastLoss),
            diverged ? "" : Double.toString(finalLoss * 1.1),
            diverged ? "" : Double.toString(accuracy),
            Double.toString(stepsRun * 0.03 * (1 + bs / 32.0)),
            "",
            "",
            "",
            "812345678",
            Double.toString(protocol.equals("fixed") ? 0.4 : 0.1 * bs / 128.0),
            "2026-11-25T15:30:00Z",
            "2026-11-25T15:31:00Z",
            protocol,
            model
        };
    }

    private static void writeHistogram(
            Writer hist,
            StringBuilder sb,
            String id,
            int step,
            int layer,
            int bins,
            double mean,
            double std,
            boolean relu,
            double nonpos)
            throws IOException {
        double width = (HIST_MAX - HIST_MIN) / bins;
        long total = 65536;
        for (int b = 0; b < bins; b++) {
            double lower = HIST_MIN + b * width;
            double upper = lower + width;
            double mass;
            if (relu) {
                // Zero bin holds the non-positive share; the positive part is a half-normal.
                mass =
                        (lower <= 0 && upper > 0 ? nonpos : 0)
                                + (lower >= 0
                                        ? (1 - nonpos)
                                                * (normalCdf(upper / std) - normalCdf(lower / std))
                                                * 2
                                        : 0);
            } else {
                mass = normalCdf((upper - mean) / std) - normalCdf((lower - mean) / std);
            }
            long count = Math.round(total * mass);
            sb.setLength(0);
            sb.append(id)
                    .append(',')
                    .append(step)
                    .append(',')
                    .append(LAYER_NAMES[layer])
                    .append(',')
                    .append(b)
                    .append(',')
                    .append(round(lower))
                    .append(',')
                    .append(round(upper))
                    .append(',')
                    .append(count)
                    .append('\n');
            hist.append(sb);
        }
    }

    private static double clamp(double share) {
        return Math.max(0, Math.min(1, share));
    }

    private static double round(double edge) {
        return Math.round(edge * 1e9) / 1e9;
    }

    private static double normalCdf(double z) {
        // Abramowitz-Stegun 7.1.26 erf approximation; plenty for invented data.
        double t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.sqrt(2));
        double erf =
                1
                        - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736)
                                                * t
                                        + 0.254829592)
                                * t
                                * Math.exp(-z * z / 2);
        return 0.5 * (1 + Math.signum(z) * erf);
    }

    private static String[] throughputCell(
            Spec spec, String device, String impl, String norm, int bs) {
        String id =
                "throughput-" + norm + "-relu-bs" + bs + "-" + device.replace(":", "") + "-" + impl;
        boolean gpu = device.startsWith("gpu");
        double peak = gpu ? 9000 : 480;
        double ips =
                peak
                        * bs
                        / (bs + (gpu ? 24.0 : 6.0))
                        * (impl.equals("djl") ? 0.93 : 1.0)
                        * (norm.equals("gn") ? 0.9 : 1);
        boolean oom =
                spec.failures()
                        && gpu
                        && impl.equals("djl")
                        && norm.equals("gn")
                        && bs == spec.batchSizes().get(spec.batchSizes().size() - 1);
        double stepMs = 1000.0 * bs / ips;
        return new String[] {
            id,
            "throughput",
            norm,
            "",
            "relu",
            "",
            Integer.toString(bs),
            device,
            "0",
            "1.0",
            "fashion-mnist",
            impl,
            oom ? "oom" : "ok",
            oom ? "CUDA out of memory. Tried to allocate 2.00 GiB" : "",
            "11173962",
            "",
            "60",
            "",
            "",
            "",
            "",
            oom ? "" : Double.toString(ips),
            oom ? "" : Double.toString(stepMs),
            oom ? "" : Double.toString(stepMs * 1.08),
            "1234567890",
            "",
            "2026-11-25T15:40:00Z",
            "2026-11-25T15:40:10Z",
            "linear_scaling",
            DEFAULT_MODEL
        };
    }

    /** {@code newColumns}: false writes cells.csv as before lr_protocol and model existed. */
    private static void writeCells(Path file, List<String[]> rows, boolean newColumns)
            throws IOException {
        try (Writer out = open(file);
                CSVPrinter printer =
                        new CSVPrinter(
                                out, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
            // The loader's required columns, then the two optional ones a synthetic run sets.
            List<String> header = new ArrayList<>(ResultsColumns.CELLS.required());
            if (newColumns) {
                header.addAll(List.of("lr_protocol", "model"));
            }
            int columns = header.size();
            printer.printRecord(header);
            for (String[] row : rows) {
                printer.printRecord((Object[]) Arrays.copyOf(row, columns));
            }
        }
    }

    private static void writeManifest(Path file, Spec spec, int cellCount) throws IOException {
        StringBuilder seeds = new StringBuilder();
        for (int s = 0; s < spec.seeds(); s++) {
            seeds.append(s == 0 ? "" : ", ").append(s);
        }
        String json =
                String.format(
                        Locale.ROOT,
                        """
        {
          "schema_version": 1,
          "run_id": "%s",
          "profile": "%s",
          "grid_file": "(synthetic, org.normbench.analysis.synth.SyntheticRun)",
          "grid": { "note": "invented data for report development; never cite" },
          "seeds": [%s],
          "git": { "commit": "0000000000000000000000000000000000000000", "dirty": false },
          "versions": { "normbench": "0.1.0", "djl": "0.36.0", "libtorch": "2.7.1", "java": "17", "engine": "PyTorch" },
          "host": { "os": "Linux", "cpu": "synthetic", "cpu_threads": 2, "hostname": null },
          "gpus": [],
          "allocator": { "NORMBENCH_MALLOC": "tuned" },
          "torch_threads": { "intra_op": 2, "inter_op": 1 },
          "started_at": "2026-11-25T15:30:00Z",
          "finished_at": "2026-11-25T15:38:12Z",
          "shard": { "index": 1, "count": 1 },
          "cell_count": %d
        }
        """,
                        spec.runId().replace("\\", "\\\\").replace("\"", "\\\""),
                        spec.profile(),
                        seeds,
                        cellCount);
        Files.writeString(file, json, StandardCharsets.UTF_8);
    }

    private static String jmhJson() {
        StringBuilder sb = new StringBuilder("[\n");
        List<String> norms = Variants.STUDY_NORMS;
        double[] ms = {3.1, 3.2, 3.4, 4.6};
        for (int i = 0; i < norms.size(); i++) {
            sb.append(
                            jmhEntry(
                                    "org.normbench.jmh.NormForwardBackwardCost.forwardBackward",
                                    "norm",
                                    norms.get(i),
                                    ms[i],
                                    0.12))
                    .append(",\n");
        }
        sb.append(jmhEntry("org.normbench.jmh.HookOverhead.step", "hooks", "off", 31.0, 0.8))
                .append(",\n");
        sb.append(jmhEntry("org.normbench.jmh.HookOverhead.step", "hooks", "stats", 32.5, 0.9))
                .append("\n]\n");
        return sb.toString();
    }

    private static String jmhEntry(
            String benchmark, String param, String value, double score, double error) {
        return String.format(
                Locale.ROOT,
                """
          {
            "jmhVersion": "1.37", "benchmark": "%s", "mode": "avgt", "threads": 1, "forks": 1,
            "params": { "%s": "%s" },
            "primaryMetric": { "score": %s, "scoreError": %s, "scoreUnit": "ms/op", "rawData": [[%s]] }
          }""",
                benchmark,
                param,
                value,
                score,
                error,
                score);
    }
}
