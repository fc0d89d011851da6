package org.normbench.analysis.report;

import static org.normbench.analysis.html.Html.escape;

import java.util.List;
import org.normbench.analysis.figures.Settings;
import org.normbench.analysis.figures.Variants;
import org.normbench.analysis.findings.Claim;
import org.normbench.analysis.findings.Expectation;
import org.normbench.analysis.findings.Finding;
import org.normbench.analysis.findings.Findings;
import org.normbench.analysis.findings.RunAdequacy;
import org.normbench.analysis.findings.Verdict;
import org.normbench.analysis.findings.Wording;

/**
 * The report's "Findings, with verdicts" section: the pre-declared claims, the verdict rule, and
 * per learning-rate protocol each effect with its 95% CI and verdict. A contradiction is drawn
 * exactly like a success (same badge, same weight); only the label and a light tint differ.
 */
final class FindingsSection {
    private FindingsSection() {}

    static void append(StringBuilder h, Findings.Result result, RunAdequacy adequacy) {
        h.append("<section id=\"findings\">\n<h2>Findings, with verdicts</h2>\n");
        h.append(
                "<p>The study's three claims, as expectations declared before any data is read; each is tested on this "
                        + "run's train cells, separately for each model (and data, width, device) and each learning-rate "
                        + "protocol.</p>\n<ol>\n");
        for (String group : Claim.GROUPS) {
            h.append("<li><strong>").append(escape(group)).append(".</strong><ul>\n");
            for (Claim c : Claim.ALL) {
                if (c.group().equals(group)) {
                    h.append("<li><code>")
                            .append(escape(c.id()))
                            .append("</code>: ")
                            .append(escape(c.statement()))
                            .append(" Expected ")
                            .append(escape(c.expectation().label()))
                            .append(".</li>\n");
                }
            }
            h.append("</ul></li>\n");
        }
        h.append("</ol>\n<p class=\"rule\"><strong>Verdict rule.</strong> ")
                .append(escape(Expectation.RULE_TEXT))
                .append(" Accuracy claims: a cell that diverged counts at chance accuracy (")
                .append(Findings.CHANCE_ACCURACY)
                .append(
                        ") unless it recorded a test accuracy, because a diverged model is no "
                                + "better than chance; out-of-memory, errored and skipped cells are left out. Dead-unit claims use ok "
                                + "cells only.</p>\n");
        if (!adequacy.supportsClaims()) {
            h.append(
                    "<p class=\"banner\">This run is too small to support the claims (see the top of the page): read the "
                            + "verdicts as a description of this run, not as evidence for or against the claims.</p>\n");
        }
        if (!result.notes().isEmpty()) {
            h.append("<ul class=\"notes\">\n");
            result.notes().forEach(n -> h.append("<li>").append(escape(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (result.findings().isEmpty()) {
            h.append("<p class=\"skipped\">No train cells: nothing to evaluate.</p>\n</section>\n");
            return;
        }
        List<String> settings = result.settings();
        for (int i = 0; i < settings.size(); i++) {
            Findings.Result setting = result.inSetting(settings.get(i));
            for (String protocol : setting.protocols()) {
                List<Finding> rows =
                        setting.findings().stream()
                                .filter(f -> f.protocol().equals(protocol))
                                .toList();
                appendGroup(h, rows, protocol, i == 0 ? "" : "-" + (i + 1), settings.size() > 1);
            }
        }
        h.append(
                "<p class=\"muted\">The same rows, one per finding, with the effect's definition, are in "
                        + "<code>findings.csv</code>.</p>\n</section>\n");
    }

    /**
     * One setting x protocol: a line per claim, the accuracy table, the dead-unit tables. With more
     * than one setting in the run the heading names the model, so no table is read as another
     * model's.
     */
    private static void appendGroup(
            StringBuilder h,
            List<Finding> rows,
            String protocol,
            String idSuffix,
            boolean manySettings) {
        String setting = rows.get(0).setting();
        h.append("<h3 id=\"findings-")
                .append(escape(protocol))
                .append(escape(idSuffix))
                .append("\">")
                .append(manySettings ? escape(Settings.modelLabel(rows.get(0).model())) + ": " : "")
                .append(escape(protocolTitle(protocol)))
                .append("</h3>\n<p class=\"muted\">Setting (model, data, width, device): ")
                .append(escape(setting))
                .append(".</p>\n");
        h.append("<ul>\n");
        for (Claim c : Claim.ALL) {
            List<Finding> mine = rows.stream().filter(f -> f.claim() == c).toList();
            h.append("<li>")
                    .append(badge(Wording.headline(mine), mine))
                    .append(" ")
                    .append(escape(Wording.sentence(c, mine)))
                    .append(".</li>\n");
        }
        h.append("</ul>\n");
        accuracyTable(h, rows);
        for (Claim c : List.of(Claim.RELU_ZERO, Claim.RELU_DEAD_WINDOW)) {
            deadUnitTable(h, c, rows.stream().filter(f -> f.claim() == c).toList());
        }
    }

    static String protocolTitle(String protocol) {
        return switch (protocol) {
            case "linear_scaling" ->
                    "Protocol linear_scaling: learning rate scaled linearly with batch size "
                            + "(Goyal et al. 2017, as in Wu & He 2018)";
            case "fixed" ->
                    "Protocol fixed: the same learning rate at every batch size (fast.ai course-v3 lesson 10, "
                            + "which trained MNIST with a small CNN at lr 0.4 for one epoch; the setting below names this run's data)";
            default -> "Protocol " + protocol;
        };
    }

    private static void accuracyTable(StringBuilder h, List<Finding> rows) {
        List<Finding> acc = rows.stream().filter(f -> !f.activation().contains(" vs ")).toList();
        if (acc.isEmpty()) {
            return;
        }
        h.append("<div class=\"scroll\"><table>\n<thead><tr><th>activation</th><th>effect</th>")
                .append(
                        "<th>expected</th><th class=\"num\">effect [95% CI]</th><th class=\"num\">n seeds</th>")
                .append("<th>verdict</th><th>why</th></tr></thead>\n<tbody>\n");
        for (Finding f : acc) {
            h.append("<tr><td>")
                    .append(escape(Variants.activationLabel(f.activation())))
                    .append("</td><td>")
                    .append(escape(Wording.subject(f.claim(), List.of(f))))
                    .append("</td><td>")
                    .append(escape(f.claim().expectation().label()))
                    .append("</td><td class=\"num\">")
                    .append(escape(interval(f)))
                    .append("</td><td class=\"num\">")
                    .append(f.effect().n())
                    .append(
                            f.divergedAsChance() > 0
                                    ? " (" + f.divergedAsChance() + " diverged)"
                                    : "")
                    .append("</td><td>")
                    .append(badge(f.verdict()))
                    .append("</td><td>")
                    .append(escape(f.reason()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static void deadUnitTable(StringBuilder h, Claim claim, List<Finding> rows) {
        if (rows.isEmpty()) {
            return;
        }
        h.append("<p><strong>")
                .append(escape(Wording.subject(claim, rows)))
                .append("</strong>, expected ")
                .append(escape(claim.expectation().label()))
                .append(", by norm and batch size:</p>\n");
        if (rows.stream().allMatch(f -> f.verdict() == Verdict.NOT_EVALUABLE)) {
            h.append("<p>")
                    .append(badge(Verdict.NOT_EVALUABLE))
                    .append(" ")
                    .append(escape(rows.get(0).reason()))
                    .append(".</p>\n");
            return;
        }
        List<Integer> batches = rows.stream().map(Finding::batchSize).distinct().sorted().toList();
        List<String> norms = Variants.orderNorms(rows.stream().map(Finding::norm).toList());
        h.append("<div class=\"scroll\"><table>\n<thead><tr><th>norm</th>");
        batches.forEach(b -> h.append("<th class=\"num\">batch ").append(b).append("</th>"));
        h.append("</tr></thead>\n<tbody>\n");
        for (String norm : norms) {
            h.append("<tr><td>").append(escape(Variants.normLabel(norm))).append("</td>");
            for (int b : batches) {
                Finding f =
                        rows.stream()
                                .filter(x -> x.norm().equals(norm) && x.batchSize() == b)
                                .findFirst()
                                .orElse(null);
                h.append("<td class=\"num\">");
                if (f != null) {
                    h.append(escape(interval(f))).append(" <br>").append(badge(f.verdict()));
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static String interval(Finding f) {
        return Wording.effect(f);
    }

    private static String badge(Verdict v) {
        return "<span class=\"verdict v-"
                + v.csvName()
                + "\">"
                + escape(Wording.label(v))
                + "</span>";
    }

    /** A headline badge: the common verdict's tint, neutral grey when mixed. */
    private static String badge(String headline, List<Finding> rows) {
        String tint =
                rows.stream().map(Finding::verdict).distinct().count() == 1
                        ? rows.get(0).verdict().csvName()
                        : "inconclusive";
        return "<span class=\"verdict v-" + tint + "\">" + escape(headline) + "</span>";
    }
}
