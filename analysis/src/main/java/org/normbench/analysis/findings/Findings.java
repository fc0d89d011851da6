package org.normbench.analysis.findings;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.normbench.analysis.figures.Settings;
import org.normbench.analysis.figures.Variants;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.LayerStats;
import org.normbench.analysis.load.Run;
import org.normbench.analysis.stats.Difference;

/**
 * Evaluates every {@link Claim} on a run's stored results: per learning-rate protocol (cells.csv
 * {@code lr_protocol}) and per setting (model, dataset, width, device: never averaged together),
 * the effect over seeds (paired by seed), its 95% CI and the verdict of {@link Expectation#judge}.
 * Writes findings.csv. Reads the loaded run only; never trains and never looks at a figure.
 */
public final class Findings {
    /** Accuracy a diverged cell is scored with when it recorded none: chance for 10 classes. */
    public static final double CHANCE_ACCURACY = 0.1;

    /**
     * The batch sizes the claims are stated for; others are used (and named) when these are absent.
     */
    public static final int SMALL_BATCH = 2;

    public static final int LARGE_BATCH = 32;

    public static final List<String> CSV_COLUMNS =
            List.of(
                    "claim",
                    "claim_group",
                    "protocol",
                    "setting",
                    "model",
                    "activation",
                    "norm",
                    "batch_size",
                    "other_batch_size",
                    "effect_definition",
                    "expected",
                    "effect",
                    "ci_low",
                    "ci_high",
                    "n_seeds",
                    "pairing",
                    "n_diverged_as_chance",
                    "verdict",
                    "reason",
                    "run_supports_claims");

    /** The findings of one run plus notes on choices made (substituted batch sizes). */
    public record Result(List<Finding> findings, List<String> notes) {
        public List<String> protocols() {
            return findings.stream().map(Finding::protocol).distinct().toList();
        }

        /** The settings (model, dataset, width, device) evaluated, primary first. */
        public List<String> settings() {
            return findings.stream().map(Finding::setting).distinct().toList();
        }

        /** The findings of one setting, e.g. the one a figure shows. */
        public Result inSetting(String setting) {
            return new Result(
                    findings.stream().filter(f -> f.setting().equals(setting)).toList(), notes);
        }
    }

    private Findings() {}

    public static Result evaluate(Run run) {
        List<Finding> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> settings = Settings.all(run);
        for (String setting : settings) {
            List<Cell> train =
                    run.cells().stream()
                            .filter(c -> c.isTrain() && c.setting().equals(setting))
                            .toList();
            evaluate(run, train, settings.size() > 1 ? setting + ", " : "", out, notes);
        }
        return new Result(List.copyOf(out), List.copyOf(notes));
    }

    /** The findings of one setting's train cells, per protocol, appended to {@code out}. */
    private static void evaluate(
            Run run, List<Cell> train, String notePrefix, List<Finding> out, List<String> notes) {
        for (String protocol : Settings.protocols(train)) {
            List<Cell> cells = train.stream().filter(c -> c.lrProtocol().equals(protocol)).toList();
            List<Integer> batches =
                    cells.stream().map(Cell::batchSize).distinct().sorted().toList();
            int small = batches.get(0);
            int large = batches.get(batches.size() - 1);
            if (small != SMALL_BATCH || large != LARGE_BATCH) {
                notes.add(
                        (notePrefix.isEmpty() ? "Protocol " : notePrefix + "protocol ")
                                + protocol
                                + ": batch sizes "
                                + SMALL_BATCH
                                + " and "
                                + LARGE_BATCH
                                + " are not both present; the small-batch claims compare the smallest ("
                                + small
                                + ") and largest ("
                                + large
                                + ") batch sizes of the run instead.");
            }
            String setting = cells.get(0).setting();
            String model = cells.get(0).model();
            List<String> acts =
                    Variants.orderActivations(cells.stream().map(Cell::activation).toList());
            for (String act : acts) {
                for (Claim claim : List.of(Claim.BN_DEGRADES, Claim.GN_HOLDS, Claim.LN_HOLDS)) {
                    String norm = claim.id().substring(0, 2);
                    out.add(
                            accuracyFinding(
                                    claim, protocol, setting, model, act, norm, small, norm, large,
                                    cells));
                }
                out.add(
                        accuracyFinding(
                                Claim.RBN_CLOSES_GAP,
                                protocol,
                                setting,
                                model,
                                act,
                                "rbn",
                                small,
                                "bn",
                                small,
                                cells));
            }
            List<String> norms = Variants.orderNorms(cells.stream().map(Cell::norm).toList());
            for (Claim claim : List.of(Claim.RELU_ZERO, Claim.RELU_DEAD_WINDOW)) {
                Function<LayerStats, double[][]> measure =
                        claim == Claim.RELU_ZERO
                                ? LayerStats::zeroFrac
                                : LayerStats::deadChannelFracWindow;
                String column = claim == Claim.RELU_ZERO ? "zero_frac" : "dead_channel_frac_window";
                boolean recorded =
                        run.activations().values().stream()
                                .anyMatch(s -> LayerStats.recorded(measure.apply(s)));
                for (String norm : norms) {
                    for (int batch : batches) {
                        out.add(
                                activationFinding(
                                        claim, protocol, setting, model, norm, batch, cells, run,
                                        measure, column, recorded));
                    }
                }
            }
        }
    }

    private static Finding accuracyFinding(
            Claim claim,
            String protocol,
            String setting,
            String model,
            String act,
            String normA,
            int batchA,
            String normB,
            int batchB,
            List<Cell> cells) {
        int[] diverged = new int[1];
        Map<Integer, Double> a = accuracies(cells, normA, act, batchA, diverged);
        Map<Integer, Double> b = accuracies(cells, normB, act, batchB, diverged);
        if (batchA == batchB && normA.equals(normB)) {
            return new Finding(
                    claim,
                    protocol,
                    setting,
                    model,
                    act,
                    normA,
                    batchA,
                    batchB,
                    Difference.of(Map.of(), Map.of()),
                    0,
                    Verdict.NOT_EVALUABLE,
                    "the run has only one batch size");
        }
        Difference d = Difference.of(a, b);
        Expectation.Judgement j = claim.expectation().judge(d);
        String reason =
                d.n() == 0
                        ? "no finished "
                                + (a.isEmpty()
                                        ? normA + " cell at batch " + batchA
                                        : normB + " cell at batch " + batchB)
                                + " with "
                                + act
                        : j.reason();
        return new Finding(
                claim,
                protocol,
                setting,
                model,
                act,
                normA,
                batchA,
                batchB,
                d,
                diverged[0],
                j.verdict(),
                reason);
    }

    /**
     * Seed to test accuracy: ok cells as recorded, diverged cells at chance unless they recorded
     * one.
     */
    private static Map<Integer, Double> accuracies(
            List<Cell> cells, String norm, String act, int batch, int[] diverged) {
        Map<Integer, Double> out = new TreeMap<>();
        for (Cell c : cells) {
            if (!c.norm().equals(norm) || !c.activation().equals(act) || c.batchSize() != batch) {
                continue;
            }
            if (c.isOk() && Double.isFinite(c.testAccuracy())) {
                out.put(c.seed(), c.testAccuracy());
            } else if ("diverged".equals(c.status())) {
                out.put(
                        c.seed(),
                        Double.isFinite(c.testAccuracy()) ? c.testAccuracy() : CHANCE_ACCURACY);
                diverged[0]++;
            }
        }
        return out;
    }

    private static Finding activationFinding(
            Claim claim,
            String protocol,
            String setting,
            String model,
            String norm,
            int batch,
            List<Cell> cells,
            Run run,
            Function<LayerStats, double[][]> measure,
            String column,
            boolean recorded) {
        if (!recorded) {
            return new Finding(
                    claim,
                    protocol,
                    setting,
                    model,
                    "relu vs leaky_relu",
                    norm,
                    batch,
                    batch,
                    Difference.of(Map.of(), Map.of()),
                    0,
                    Verdict.NOT_EVALUABLE,
                    "activations.csv has no "
                            + column
                            + " values (the run predates the measure; dead_channel_frac is not "
                            + "used because it counts an all-negative LeakyReLU channel as dead)");
        }
        Map<Integer, Double> relu = lastStepMeans(cells, run, norm, "relu", batch, measure);
        Map<Integer, Double> leaky = lastStepMeans(cells, run, norm, "leaky_relu", batch, measure);
        Difference d = Difference.of(relu, leaky);
        Expectation.Judgement j = claim.expectation().judge(d);
        boolean allZero =
                d.n() > 0
                        && relu.values().stream().allMatch(v -> v == 0)
                        && leaky.values().stream().allMatch(v -> v == 0);
        String reason =
                d.n() == 0
                        ? "no ok "
                                + (relu.isEmpty() ? "relu" : "leaky_relu")
                                + " cell with "
                                + column
                                + " at this norm and batch size"
                        : allZero
                                ? j.reason()
                                        + ": "
                                        + column
                                        + " is 0 for both activations in every seed"
                                : j.reason();
        return new Finding(
                claim,
                protocol,
                setting,
                model,
                "relu vs leaky_relu",
                norm,
                batch,
                batch,
                d,
                0,
                j.verdict(),
                reason);
    }

    /**
     * Seed to the measure at each layer's last logged step, averaged over layers (ok cells only).
     */
    static Map<Integer, Double> lastStepMeans(
            List<Cell> cells,
            Run run,
            String norm,
            String act,
            int batch,
            Function<LayerStats, double[][]> measure) {
        Map<Integer, Double> out = new TreeMap<>();
        for (Cell c : cells) {
            LayerStats stats = run.activations().get(c.cellId());
            if (!c.isOk()
                    || stats == null
                    || !c.norm().equals(norm)
                    || !c.activation().equals(act)
                    || c.batchSize() != batch) {
                continue;
            }
            double v = lastStepMean(measure.apply(stats));
            if (!Double.isNaN(v)) {
                out.put(c.seed(), v);
            }
        }
        return out;
    }

    /** Mean over layers of each layer's last recorded value; NaN when none is recorded. */
    public static double lastStepMean(double[][] measure) {
        double sum = 0;
        int n = 0;
        for (double[] layer : measure) {
            for (int i = layer.length - 1; i >= 0; i--) {
                if (!Double.isNaN(layer[i])) {
                    sum += layer[i];
                    n++;
                    break;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Writes findings.csv (tidy: one row per finding, columns {@link #CSV_COLUMNS}). */
    public static void writeCsv(Path file, Result result, boolean runSupportsClaims)
            throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
                CSVPrinter p =
                        new CSVPrinter(
                                w, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
            p.printRecord(CSV_COLUMNS);
            for (Finding f : result.findings()) {
                p.printRecord(
                        f.claim().id(),
                        f.claim().group(),
                        f.protocol(),
                        f.setting(),
                        f.model(),
                        f.activation(),
                        f.norm(),
                        f.batchSize(),
                        f.otherBatchSize(),
                        f.claim().effectDefinition(),
                        f.claim().expectation().label(),
                        number(f.effect().estimate()),
                        number(f.effect().low()),
                        number(f.effect().high()),
                        f.effect().n(),
                        f.effect().pairing(),
                        f.divergedAsChance(),
                        f.verdict().csvName(),
                        f.reason(),
                        runSupportsClaims);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Six significant decimals, empty for a missing value (pandas reads it as NaN). */
    static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
