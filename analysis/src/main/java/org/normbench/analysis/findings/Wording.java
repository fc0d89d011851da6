package org.normbench.analysis.findings;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.normbench.analysis.figures.Variants;

/**
 * The report's words about the claims, made from the verdicts only: a figure caption or a summary
 * sentence can say "reproduced" only where a finding says so. Plain text (the page escapes it).
 */
public final class Wording {
    /**
     * Said wherever the zero_frac claim's verdict is: its "reproduced" is no evidence of dying
     * units.
     */
    public static final String BY_CONSTRUCTION =
            "; expected for any ReLU network, whose output is exactly 0 for every negative input, so this says "
                    + "ReLU outputs are sparse, not that units died: dead_channel_frac_window is the test of dying";

    private Wording() {}

    /**
     * One verdict for several rows: the common verdict, or "mixed (2 reproduced, 1 inconclusive)".
     */
    public static String headline(List<Finding> rows) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        rows.forEach(f -> counts.merge(f.verdict(), 1, Integer::sum));
        if (counts.isEmpty()) {
            return label(Verdict.NOT_EVALUABLE);
        }
        if (counts.size() == 1) {
            return label(counts.keySet().iterator().next());
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((v, n) -> parts.add(n + " " + label(v)));
        return "mixed (" + String.join(", ", parts) + ")";
    }

    public static String label(Verdict v) {
        return v.csvName().replace('_', ' ');
    }

    /** "-0.031 [-0.052, -0.010], n = 3" or "+0.012 (n = 1, no CI)" or "no data". */
    public static String effect(Finding f) {
        if (Double.isNaN(f.effect().estimate())) {
            return "no data";
        }
        String e = signed(f.effect().estimate());
        return f.effect().hasInterval()
                ? e
                        + " ["
                        + signed(f.effect().low())
                        + ", "
                        + signed(f.effect().high())
                        + "], n = "
                        + f.effect().n()
                : e + " (n = " + f.effect().n() + ", no CI)";
    }

    public static String signed(double v) {
        return String.format(Locale.ROOT, "%+.3f", v).replace("-", "\u2212");
    }

    /** What one claim's rows show, in one sentence (without the protocol). */
    public static String sentence(Claim claim, List<Finding> rows) {
        if (rows.isEmpty()) {
            return subject(claim, rows) + ": not evaluable (no cells)";
        }
        StringBuilder sb =
                new StringBuilder(subject(claim, rows)).append(": ").append(headline(rows));
        boolean perActivation = rows.stream().allMatch(f -> !f.activation().contains(" vs "));
        if (perActivation) {
            List<String> parts = new ArrayList<>();
            for (Finding f : rows) {
                parts.add(
                        Variants.activationLabel(f.activation())
                                + " "
                                + effect(f)
                                + " "
                                + label(f.verdict()));
            }
            sb.append(" (").append(String.join("; ", parts)).append(")");
        } else if (rows.stream().allMatch(f -> f.verdict() == Verdict.NOT_EVALUABLE)) {
            sb.append(", because ").append(rows.get(0).reason());
        } else {
            long reproduced = rows.stream().filter(f -> f.verdict() == Verdict.REPRODUCED).count();
            sb.append(" (reproduced in ")
                    .append(reproduced)
                    .append(" of ")
                    .append(rows.size())
                    .append(" norm x batch-size comparisons)");
        }
        if (claim == Claim.RELU_ZERO) {
            sb.append(BY_CONSTRUCTION);
        }
        return sb.toString();
    }

    /** Names what is compared, with the batch sizes actually used. */
    public static String subject(Claim claim, List<Finding> rows) {
        int small = rows.isEmpty() ? Findings.SMALL_BATCH : rows.get(0).batchSize();
        int large = rows.isEmpty() ? Findings.LARGE_BATCH : rows.get(0).otherBatchSize();
        if (claim == Claim.RBN_CLOSES_GAP) {
            return "RunningBatchNorm minus BatchNorm test accuracy at batch " + small;
        }
        if (claim == Claim.RELU_ZERO) {
            return "ReLU minus LeakyReLU zero_frac (last logged step, mean over layers)";
        }
        if (claim == Claim.RELU_DEAD_WINDOW) {
            return "ReLU minus LeakyReLU dead_channel_frac_window (last logged step, mean over layers)";
        }
        String norm = Variants.normLabel(claim.id().substring(0, 2));
        return norm + " test accuracy at batch " + small + " minus at batch " + large;
    }
}
