package org.normbench.analysis.report;

import static org.normbench.analysis.html.Html.escape;
import static org.normbench.analysis.html.Html.latex;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.normbench.analysis.figures.Canvas;
import org.normbench.analysis.figures.Figure;
import org.normbench.analysis.figures.Settings;
import org.normbench.analysis.figures.Variants;
import org.normbench.analysis.findings.Findings;
import org.normbench.analysis.findings.RunAdequacy;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Run;
import tech.tablesaw.api.Table;

/**
 * Renders the self-contained index.html of one run: inline CSS, inline SVG figures, no scripts, no
 * external resources. Every string from results or manifest is escaped. The output depends only on
 * its inputs; the generated-at line is the single exception and sits on a line of its own.
 */
public final class ReportPage {
    /** The one line allowed to differ between two generations of the same run. */
    public static final String GENERATED_AT_PREFIX = "<p class=\"generated\">Generated at ";

    private static final String CSS =
            """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#111;line-height:1.45}
      h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
      .generated,.muted{color:#666;font-size:.9em}
      table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
      th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
      th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
      figure{margin:1em 0}figure svg{max-width:100%;height:auto;display:block;border:1px solid #eee}
      figcaption{font-size:.92em;margin-top:.4em}
      .notes{color:#7a4b00;font-size:.9em}
      pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:.5em;white-space:pre-wrap;word-break:break-all;font-size:.85em}
      .skipped{background:#fff8e6;border:1px solid #f0d48a;padding:.5em}
      nav ol{columns:2}
      .scroll{overflow-x:auto;max-width:100%}td code{overflow-wrap:anywhere}th{white-space:nowrap}
      .banner{background:#fdecea;border:2px solid #b3261e;padding:.6em 1em;margin:1em 0}
      .banner ul{margin:.3em 0}
      .verdict{display:inline-block;padding:0 .4em;border:1px solid #888;border-radius:3px;font-weight:bold;white-space:nowrap}
      .v-reproduced{background:#e3f1e3}.v-contradicted{background:#fbe0dd}.v-inconclusive{background:#eeeeee}
      .v-not_evaluable{background:#fff4d6}
      .rule{background:#f7f7f7;border-left:3px solid #999;padding:.4em .8em}
      .mixed{background:#fff8e6;border:2px solid #c98a00;padding:.6em 1em;margin:1em 0}.mixed ul{margin:.3em 0}
      """;

    private ReportPage() {}

    public static String render(
            Run run,
            List<Figure> figures,
            Table summary,
            Findings.Result findings,
            RunAdequacy adequacy,
            String generatedAt,
            String figuresDir) {
        String runId = run.id();
        String commit = run.manifest().citableCommit();
        StringBuilder h = new StringBuilder(1 << 20);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>normbench report: ")
                .append(escape(runId))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>normbench report: <code>").append(escape(runId)).append("</code></h1>\n");
        h.append(GENERATED_AT_PREFIX)
                .append(escape(generatedAt))
                .append(" by normbench-report from the stored results.</p>\n");
        h.append("<p class=\"muted\">Run <code>")
                .append(escape(run.manifest().runId()))
                .append("</code>, profile <code>")
                .append(escape(run.manifest().json().path("profile").asText("")))
                .append("</code>, ")
                .append(models(run))
                .append(", commit <code>")
                .append(escape(commit))
                .append("</code>, ")
                .append(run.cells().size())
                .append(" cells.</p>\n");
        List<String> settings = Settings.all(run);
        if (settings.size() > 1) {
            h.append(
                            "<div class=\"mixed\" id=\"settings\"><strong>This run trains more than one setting "
                                    + "(model, data, width, device); they are never averaged together.</strong> "
                                    + "The findings and the summary table give each setting on its own; the figures "
                                    + "show the first only:\n<ul>\n")
                    .append("<li>")
                    .append(escape(settings.get(0)))
                    .append(" (figures, findings, summary)</li>\n");
            for (String other : settings.subList(1, settings.size())) {
                h.append("<li>").append(escape(other)).append(" (findings, summary)</li>\n");
            }
            h.append("</ul></div>\n");
        }
        if (!adequacy.supportsClaims()) {
            h.append(
                            "<div class=\"banner\" id=\"too-small\"><strong>This run is too small to support the study's claims.")
                    .append(
                            "</strong> Its verdicts below describe this run's data, not the claims:\n<ul>\n");
            for (String why : adequacy.shortfalls()) {
                h.append("<li>").append(escape(why)).append(".</li>\n");
            }
            h.append("</ul></div>\n");
        }

        h.append("<nav>\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
        h.append("<li><a href=\"#findings\">Findings, with verdicts</a></li>\n");
        h.append("<li><a href=\"#summary\">Summary per variant and batch size</a></li>\n");
        for (Figure f : figures) {
            h.append("<li><a href=\"#")
                    .append(f.id())
                    .append("\">")
                    .append(f.id())
                    .append(". ")
                    .append(escape(f.title()))
                    .append(f.isRendered() ? "" : " (skipped)")
                    .append("</a></li>\n");
        }
        h.append(
                        "<li><a href=\"#failed\">Failed cells</a></li>\n<li><a href=\"#provenance\">Provenance</a></li>\n")
                .append("<li><a href=\"#cite\">How to cite</a></li>\n</ol>\n</nav>\n");

        FindingsSection.append(h, findings, adequacy);
        summary(h, summary);
        for (Figure f : figures) {
            figure(h, f, runId, commit, figuresDir);
        }
        failed(h, run.cells());
        provenance(h, run);
        h.append(
                        "<h2 id=\"cite\">How to cite</h2>\n<p>Cite the software with the repository's <code>CITATION.cff</code>, ")
                .append(
                        "and each figure with its snippet above: run id, commit and figure ID identify the stored results ")
                .append("(<code>reports/runs/")
                .append(escape(runId))
                .append("/</code>) that regenerate it with ")
                .append("<code>make report RUN=")
                .append(escape(runId))
                .append("</code>.</p>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** "model <code>resnet18</code> (ResNet18)", or "models ..." for a run with several. */
    private static String models(Run run) {
        List<String> models = Settings.models(run);
        if (models.isEmpty()) {
            return "no train cells";
        }
        StringBuilder sb = new StringBuilder(models.size() == 1 ? "model " : "models ");
        for (int i = 0; i < models.size(); i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append("<code>")
                    .append(escape(models.get(i)))
                    .append("</code> (")
                    .append(escape(Settings.modelLabel(models.get(i))))
                    .append(")");
        }
        return sb.toString();
    }

    private static void summary(StringBuilder h, Table t) {
        h.append("<h2 id=\"summary\">Summary per variant and batch size</h2>\n");
        if (t.rowCount() == 0) {
            h.append("<p class=\"skipped\">No train cells in this run.</p>\n");
            return;
        }
        h.append(
                        "<p class=\"muted\">Test error (%) of train cells that finished ok, by batch size: mean \u00b1 ")
                .append(
                        "half-width of the 95% confidence interval (Student t, n - 1 degrees of freedom) and, in brackets, ")
                .append(
                        "the number of ok seeds; with one seed there is no interval. Cells that did not finish ok are ")
                .append(
                        "named after the value. The same numbers, one row per variant and batch size, are in ")
                .append("<code>summary.csv</code>.</p>\n");
        boolean settings = t.stringColumn("setting").unique().size() > 1;
        List<Integer> batches =
                t.intColumn("batch_size").unique().asList().stream().sorted().toList();
        h.append("<div class=\"scroll\"><table>\n<thead><tr>")
                .append(settings ? "<th>setting</th>" : "")
                .append("<th>norm</th><th>activation</th>");
        for (int b : batches) {
            h.append("<th class=\"num\">batch ").append(b).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        // Rows arrive grouped by setting, norm, activation (SummaryTable's order); one HTML row per
        // group.
        int r = 0;
        while (r < t.rowCount()) {
            String key =
                    t.stringColumn("setting").get(r)
                            + "|"
                            + t.stringColumn("norm").get(r)
                            + "|"
                            + t.stringColumn("activation").get(r);
            Map<Integer, String> byBatch = new HashMap<>();
            int first = r;
            while (r < t.rowCount()
                    && key.equals(
                            t.stringColumn("setting").get(r)
                                    + "|"
                                    + t.stringColumn("norm").get(r)
                                    + "|"
                                    + t.stringColumn("activation").get(r))) {
                int n = t.intColumn("n_ok_seeds").getInt(r);
                String value =
                        SummaryTable.formatMeanCi(
                                        t.doubleColumn("test_error_pct_mean").getDouble(r),
                                        t.doubleColumn("test_error_pct_ci95_halfwidth")
                                                .getDouble(r),
                                        n)
                                .replace(" (n = 1, no CI)", "");
                String statuses =
                        t.stringColumn("status_counts")
                                .get(r)
                                .replaceAll("(^|, )ok \\d+", "")
                                .replaceFirst("^, ", "");
                byBatch.put(
                        t.intColumn("batch_size").getInt(r),
                        value + " (" + n + ")" + (statuses.isEmpty() ? "" : "; " + statuses));
                r++;
            }
            h.append("<tr>")
                    .append(
                            settings
                                    ? "<td>"
                                            + escape(t.stringColumn("setting").get(first))
                                            + "</td>"
                                    : "")
                    .append("<td>")
                    .append(escape(Variants.normLabel(t.stringColumn("norm").get(first))))
                    .append("</td><td>")
                    .append(
                            escape(
                                    Variants.activationLabel(
                                            t.stringColumn("activation").get(first))))
                    .append("</td>");
            for (int b : batches) {
                h.append("<td class=\"num\">")
                        .append(escape(byBatch.getOrDefault(b, "")))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static void figure(
            StringBuilder h, Figure f, String runId, String commit, String figuresDir) {
        h.append("<section id=\"")
                .append(f.id())
                .append("\">\n<h2>")
                .append(f.id())
                .append(". ")
                .append(escape(f.title()))
                .append("</h2>\n");
        if (!f.isRendered()) {
            h.append("<p class=\"skipped\">Skipped: ")
                    .append(escape(f.skippedReason()))
                    .append(".</p>\n</section>\n");
            return;
        }
        String svgPath = figuresDir + "/" + f.fileStem() + ".svg";
        String pngPath = figuresDir + "/" + f.fileStem() + ".png";
        h.append("<figure data-figure-id=\"")
                .append(f.id())
                .append("\">\n")
                .append(Canvas.inlineSvg(f.svg()).strip())
                .append("\n<figcaption><strong>")
                .append(f.id())
                .append(".</strong> ")
                .append(escape(f.caption()))
                .append(" Files: <a href=\"")
                .append(escape(svgPath))
                .append("\">SVG</a>, <a href=\"")
                .append(escape(pngPath))
                .append("\">PNG</a>.</figcaption>\n</figure>\n");
        if (!f.notes().isEmpty()) {
            h.append("<ul class=\"notes\">\n");
            for (String note : f.notes()) {
                h.append("<li>").append(escape(note)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        String source = "normbench run " + runId + ", commit " + commit + ", figure " + f.id();
        String markdown =
                "!["
                        + f.id()
                        + ". "
                        + f.title()
                        + "]("
                        + svgPath
                        + ")\n*"
                        + f.id()
                        + ". "
                        + f.title()
                        + "* Source: "
                        + source
                        + " (`make report RUN="
                        + runId
                        + "`).";
        String tex =
                "\\begin{figure}\n  \\centering\n  \\includegraphics[width=\\linewidth]{"
                        + pngPath
                        + "}\n"
                        + "  \\caption{"
                        + latex(f.title())
                        + " Source: normbench run \\texttt{"
                        + latex(runId)
                        + "}, commit \\texttt{"
                        + latex(commit)
                        + "}, figure "
                        + f.id()
                        + ".}\n  \\label{fig:normbench-"
                        + latex(runId)
                        + "-"
                        + f.id()
                        + "}\n"
                        + "\\end{figure}";
        h.append("<details><summary>Cite this figure</summary>\n<p>Markdown:</p>\n<pre>")
                .append(escape(markdown))
                .append("</pre>\n<p>LaTeX:</p>\n<pre>")
                .append(escape(tex))
                .append("</pre>\n</details>\n</section>\n");
    }

    private static void failed(StringBuilder h, List<Cell> cells) {
        h.append("<h2 id=\"failed\">Failed cells</h2>\n");
        List<Cell> failed = cells.stream().filter(c -> !c.isOk()).toList();
        if (failed.isEmpty()) {
            h.append("<p>Every cell finished with status ok.</p>\n");
            return;
        }
        h.append(
                "<div class=\"scroll\"><table>\n<thead><tr><th>cell</th><th>kind</th><th>status</th><th>message</th></tr></thead>\n<tbody>\n");
        for (Cell c : failed) {
            h.append("<tr><td><code>")
                    .append(escape(c.cellId()))
                    .append("</code></td><td>")
                    .append(escape(c.kind()))
                    .append("</td><td>")
                    .append(escape(c.status()))
                    .append("</td><td>")
                    .append(escape(c.error()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static void provenance(StringBuilder h, Run run) {
        h.append(
                        "<h2 id=\"provenance\">Provenance</h2>\n<p class=\"muted\">From <code>manifest.json</code> (schema ")
                .append(run.manifest().schemaVersion())
                .append(").</p>\n<div class=\"scroll\"><table>\n<tbody>\n");
        for (Map.Entry<String, String> e : run.manifest().flattened()) {
            h.append("<tr><th>")
                    .append(escape(e.getKey()))
                    .append("</th><td><code>")
                    .append(escape(e.getValue()))
                    .append("</code></td></tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }
}
