package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.normbench.analysis.findings.Claim;
import org.normbench.analysis.findings.Finding;
import org.normbench.analysis.findings.Findings;
import org.normbench.analysis.findings.Wording;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Run;
import org.normbench.analysis.stats.ConfidenceInterval;

/**
 * F1, the Group Normalization paper's figure on this run's data: test error against batch size, one
 * line per norm, one panel per activation, mean over seeds with a 95% t-interval band. Points with
 * a single seed get no band (and a note). Only cells with status ok count.
 */
public final class TestErrorFigure implements FigureBuilder {
    public static final String ID = "F1";
    static final String TITLE = "Does test error rise at small batch sizes, and for which norms?";

    @Override
    public Figure build(Run run) {
        List<Cell> primary = Settings.primaryTrainCells(run);
        List<Cell> ok =
                primary.stream().filter(c -> c.isOk() && !Double.isNaN(c.testAccuracy())).toList();
        if (ok.isEmpty()) {
            return Figure.skipped(
                    ID, "test-error-vs-batch", TITLE, SkipReasons.noTestAccuracy(run, primary));
        }
        List<String> notes = new ArrayList<>(Settings.notes(run));
        long excluded = primary.stream().filter(c -> !c.isOk()).count();
        if (excluded > 0) {
            notes.add(
                    excluded
                            + " train cell(s) did not finish ok and are left out; see the failed-cells table.");
        }
        List<String> singleSeed = new ArrayList<>();
        List<Panel> panels = new ArrayList<>();
        List<String> norms = Variants.orderNorms(ok.stream().map(Cell::norm).toList());
        int points = 0;
        List<String> protocols = Settings.protocols(ok);
        for (String protocol : protocols) {
            for (String act :
                    Variants.orderActivations(ok.stream().map(Cell::activation).toList())) {
                XYChart chart =
                        Theme.xyChart(
                                420,
                                320,
                                "Test error vs batch size, "
                                        + Variants.activationLabel(act)
                                        + (protocols.size() > 1
                                                ? ", " + Settings.protocolLabel(protocol)
                                                : ""),
                                "batch size (images per step, log2 scale)",
                                "test error (%)");
                chart.getStyler().setxAxisTickLabelsFormattingFunction(Variants::log2Tick);
                chart.getStyler().setLegendVisible(false);
                List<Cell> forAct =
                        ok.stream()
                                .filter(
                                        c ->
                                                c.activation().equals(act)
                                                        && c.lrProtocol().equals(protocol))
                                .toList();
                if (forAct.isEmpty()) {
                    continue;
                }
                for (String norm : Variants.orderNorms(forAct.stream().map(Cell::norm).toList())) {
                    Map<Integer, double[]> byBatch =
                            new TreeMap<>(
                                    forAct.stream()
                                            .filter(c -> c.norm().equals(norm))
                                            .collect(
                                                    Collectors.groupingBy(
                                                            Cell::batchSize,
                                                            Collectors.collectingAndThen(
                                                                    Collectors.toList(),
                                                                    l ->
                                                                            l.stream()
                                                                                    .mapToDouble(
                                                                                            Cell
                                                                                                    ::testErrorPercent)
                                                                                    .toArray()))));
                    int n = byBatch.size();
                    double[] x = new double[n];
                    double[] mean = new double[n];
                    double[] lo = new double[n];
                    double[] hi = new double[n];
                    boolean anyBand = false;
                    int i = 0;
                    for (Map.Entry<Integer, double[]> e : byBatch.entrySet()) {
                        ConfidenceInterval ci = ConfidenceInterval.of95(e.getValue());
                        x[i] = Math.log(e.getKey()) / Math.log(2);
                        mean[i] = ci.mean();
                        lo[i] = ci.hasInterval() ? ci.lower() : ci.mean();
                        hi[i] = ci.hasInterval() ? ci.upper() : ci.mean();
                        anyBand |= ci.hasInterval();
                        points++;
                        if (!ci.hasInterval()) {
                            singleSeed.add(
                                    Variants.normLabel(norm)
                                            + "/"
                                            + Variants.activationLabel(act)
                                            + " at batch "
                                            + e.getKey());
                        }
                        i++;
                    }
                    if (anyBand && n >= 2) {
                        double[] px = new double[2 * n];
                        double[] py = new double[2 * n];
                        for (int k = 0; k < n; k++) {
                            px[k] = x[k];
                            py[k] = hi[k];
                            px[2 * n - 1 - k] = x[k];
                            py[2 * n - 1 - k] = lo[k];
                        }
                        XYSeries band =
                                chart.addSeries(Variants.normLabel(norm) + " 95% CI", px, py);
                        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                        band.setFillColor(Theme.translucent(Theme.normColor(norm), 50));
                        band.setLineColor(Theme.translucent(Theme.normColor(norm), 0));
                        band.setMarker(SeriesMarkers.NONE);
                        band.setShowInLegend(false);
                    }
                    XYSeries line = chart.addSeries(Variants.normLabel(norm), x, mean);
                    line.setLineColor(Theme.normColor(norm));
                    line.setLineStyle(Theme.SOLID);
                    line.setMarker(SeriesMarkers.CIRCLE);
                    line.setMarkerColor(Theme.normColor(norm));
                }
                panels.add(
                        new NormActivationLegend(
                                Panel.of(chart), panels.isEmpty() ? norms : List.of(), List.of()));
            }
        }
        if (!singleSeed.isEmpty() && singleSeed.size() == points) {
            notes.add("No confidence bands: every point has one finished seed (n = 1).");
        } else if (!singleSeed.isEmpty()) {
            notes.add(
                    "No confidence band where only one seed finished (n = 1): "
                            + String.join(", ", singleSeed)
                            + ".");
        }
        String caption =
                "Test error (100 - accuracy, %) on the test split after training, against images per step. "
                        + "Lines: mean over seeds; bands: 95% confidence interval of the mean (Student t, n - 1 degrees of freedom). "
                        + "Compare with Wu & He (2018), Figure 1, where BatchNorm's error grows as the batch shrinks and GroupNorm's "
                        + "does not. What this run shows (verdicts and rule: Findings section): "
                        + verdicts(run)
                        + ".";
        return Figure.rendered(
                ID,
                "test-error-vs-batch",
                TITLE,
                caption,
                notes,
                Canvas.render(ID, panels, 2, 420, 320 + NormActivationLegend.HEIGHT));
    }

    /** The small-batch claims' verdicts, per protocol, in words. */
    static String verdicts(Run run) {
        Findings.Result result = Findings.evaluate(run).inSetting(Settings.primary(run));
        List<String> parts = new ArrayList<>();
        for (String protocol : result.protocols()) {
            List<String> sentences = new ArrayList<>();
            for (Claim claim : List.of(Claim.BN_DEGRADES, Claim.GN_HOLDS, Claim.LN_HOLDS)) {
                List<Finding> rows =
                        result.findings().stream()
                                .filter(f -> f.claim() == claim && f.protocol().equals(protocol))
                                .toList();
                sentences.add(Wording.sentence(claim, rows));
            }
            parts.add(
                    (result.protocols().size() > 1 ? Settings.protocolLabel(protocol) + ": " : "")
                            + String.join("; ", sentences));
        }
        return String.join(". ", parts);
    }
}
