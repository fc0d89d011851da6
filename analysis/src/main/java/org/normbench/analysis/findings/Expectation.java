package org.normbench.analysis.findings;

import java.util.Locale;
import org.normbench.analysis.stats.Difference;

/**
 * A pre-declared expectation about an effect (a difference a - b) and the one rule that turns the
 * effect's 95% confidence interval over seeds into a {@link Verdict}:
 *
 * <ul>
 *   <li>fewer than {@link #MIN_SEEDS} seeds (pairs), or no interval: inconclusive;
 *   <li>{@code > 0} / {@code < 0} (a direction): reproduced when the whole interval lies on the
 *       expected side of 0, contradicted when it lies wholly on the other side, inconclusive when
 *       it contains 0;
 *   <li>{@code >= -margin} (no worse by more than a margin, i.e. "about 0, not degraded"):
 *       reproduced when the interval's lower end is at or above -margin, contradicted when the
 *       whole interval is below -margin, inconclusive when it contains -margin.
 * </ul>
 *
 * The rule is written out in docs/report.md and in every report; change it in one place: here.
 */
public record Expectation(Kind kind, double margin) {
    public static final int MIN_SEEDS = 3;

    /** The rule in words, as the report prints it (docs/report.md says the same). */
    public static final String RULE_TEXT =
            "Each effect is a difference a - b over seeds with its 95% confidence "
                    + "interval (Student t over the per-seed differences when the seeds pair up, Welch's interval otherwise). "
                    + "Verdict: inconclusive with fewer than "
                    + MIN_SEEDS
                    + " seeds; for an expected sign (> 0 or < 0), "
                    + "reproduced when the whole interval lies on the expected side of 0, contradicted when it lies wholly on "
                    + "the other side, inconclusive when it contains 0; for \"does not degrade\" (>= -margin), reproduced when "
                    + "the interval's lower end is at or above -margin, contradicted when the whole interval is below -margin, "
                    + "inconclusive otherwise. Not evaluable: the run lacks the data.";

    /** Direction of the expectation. */
    public enum Kind {
        POSITIVE,
        NEGATIVE,
        NOT_BELOW_MARGIN
    }

    public static Expectation positive() {
        return new Expectation(Kind.POSITIVE, 0);
    }

    public static Expectation negative() {
        return new Expectation(Kind.NEGATIVE, 0);
    }

    public static Expectation notBelow(double margin) {
        return new Expectation(Kind.NOT_BELOW_MARGIN, margin);
    }

    /** "> 0", "< 0" or ">= -0.02", as findings.csv's {@code expected} column. */
    public String label() {
        return switch (kind) {
            case POSITIVE -> "> 0";
            case NEGATIVE -> "< 0";
            case NOT_BELOW_MARGIN -> String.format(Locale.ROOT, ">= -%s", trim(margin));
        };
    }

    /** The verdict and, in words, why. */
    public record Judgement(Verdict verdict, String reason) {}

    public Judgement judge(Difference d) {
        if (d.n() == 0) {
            return new Judgement(
                    Verdict.NOT_EVALUABLE, "no finished cell on one side of the comparison");
        }
        if (d.n() < MIN_SEEDS) {
            return new Judgement(
                    Verdict.INCONCLUSIVE,
                    d.n()
                            + " seed"
                            + (d.n() == 1 ? "" : "s")
                            + "; a verdict needs at least "
                            + MIN_SEEDS);
        }
        if (!d.hasInterval()) {
            return new Judgement(Verdict.INCONCLUSIVE, "no confidence interval");
        }
        double threshold = kind == Kind.NOT_BELOW_MARGIN ? -margin : 0;
        String t = kind == Kind.NOT_BELOW_MARGIN ? "-" + trim(margin) : "0";
        boolean above =
                d.low() > threshold || (kind == Kind.NOT_BELOW_MARGIN && d.low() >= threshold);
        boolean below = d.high() < threshold;
        if (!above && !below) {
            return new Judgement(Verdict.INCONCLUSIVE, "the 95% CI contains " + t);
        }
        boolean expectedAbove = kind != Kind.NEGATIVE;
        return above == expectedAbove
                ? new Judgement(
                        Verdict.REPRODUCED, "the 95% CI lies " + (above ? "above " : "below ") + t)
                : new Judgement(
                        Verdict.CONTRADICTED,
                        "the 95% CI lies "
                                + (above ? "above " : "below ")
                                + t
                                + ", against the expectation "
                                + label());
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
