package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.normbench.analysis.findings.Claim;
import org.normbench.analysis.findings.Finding;
import org.normbench.analysis.findings.Findings;
import org.normbench.analysis.findings.Wording;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.LayerStats;
import org.normbench.analysis.load.Run;
import org.normbench.analysis.stats.ConfidenceInterval;

/**
 * F5: do ReLU units die where LeakyReLU's do not? For every batch size, each dead-unit measure at
 * the last logged step (mean over hooked layers; mean over seeds with a 95% CI error bar), colour =
 * norm, ReLU solid vs LeakyReLU dashed; one panel per measure (and per lr protocol). Uses
 * zero_frac, near_zero_frac and dead_channel_frac_window, never dead_channel_frac (which counts an
 * all-negative LeakyReLU channel as dead although it still passes gradient).
 */
public final class DeadUnitsFigure implements FigureBuilder {
    public static final String ID = "F5";
    static final String TITLE = "Do ReLU units die where LeakyReLU's do not, at every batch size?";
    private static final String SLUG = "dead-units";

    private record Measure(String column, String label, Function<LayerStats, double[][]> values) {}

    private static final List<Measure> MEASURES =
            List.of(
                    new Measure("zero_frac", "activations exactly 0 (%)", LayerStats::zeroFrac),
                    new Measure(
                            "near_zero_frac",
                            "activations in the bins at 0 (%)",
                            LayerStats::nearZeroFrac),
                    new Measure(
                            "dead_channel_frac_window",
                            "channels 0 over the window (%)",
                            LayerStats::deadChannelFracWindow));

    @Override
    public Figure build(Run run) {
        List<Cell> cells =
                Settings.primaryTrainCells(run).stream()
                        .filter(c -> c.isOk() && run.activations().containsKey(c.cellId()))
                        .toList();
        if (cells.isEmpty()) {
            return Figure.skipped(
                    ID,
                    SLUG,
                    TITLE,
                    SkipReasons.noSeries(
                            run,
                            "activations.csv",
                            run.activations(),
                            Settings.primaryTrainCells(run)));
        }
        List<Measure> recorded =
                MEASURES.stream()
                        .filter(
                                m ->
                                        cells.stream()
                                                .anyMatch(
                                                        c ->
                                                                LayerStats.recorded(
                                                                        m.values()
                                                                                .apply(
                                                                                        run.activations()
                                                                                                .get(
                                                                                                        c
                                                                                                                .cellId())))))
                        .toList();
        if (recorded.isEmpty()) {
            return Figure.skipped(
                    ID,
                    SLUG,
                    TITLE,
                    "activations.csv has no zero_frac, near_zero_frac or "
                            + "dead_channel_frac_window values (the run predates these measures). The older dead_channel_frac is "
                            + "not shown: it counts a LeakyReLU channel whose outputs are all negative as dead, although that channel "
                            + "still passes gradient, so it cannot separate ReLU from LeakyReLU");
        }
        List<String> protocols = Settings.protocols(cells);
        List<Panel> panels = new ArrayList<>();
        List<String> norms = Variants.orderNorms(cells.stream().map(Cell::norm).toList());
        List<String> acts =
                Variants.orderActivations(cells.stream().map(Cell::activation).toList());
        for (String protocol : protocols) {
            List<Cell> forProtocol =
                    cells.stream().filter(c -> c.lrProtocol().equals(protocol)).toList();
            for (Measure m : recorded) {
                XYChart chart =
                        panel(
                                run,
                                forProtocol,
                                m,
                                protocols.size() > 1 ? Settings.protocolLabel(protocol) : "");
                boolean legend = panels.isEmpty();
                panels.add(
                        new NormActivationLegend(
                                Panel.of(chart),
                                legend ? norms : List.of(),
                                legend ? acts : List.of()));
            }
        }
        List<String> notes = new ArrayList<>(Settings.notes(run));
        MEASURES.stream()
                .filter(m -> !recorded.contains(m))
                .forEach(
                        m ->
                                notes.add(
                                        m.column()
                                                + " is not recorded in this run, so it has no panel."));
        Findings.Result findings = Findings.evaluate(run).inSetting(Settings.primary(run));
        List<String> verdicts = new ArrayList<>();
        for (String protocol : findings.protocols()) {
            for (Claim claim : List.of(Claim.RELU_ZERO, Claim.RELU_DEAD_WINDOW)) {
                List<Finding> rows =
                        findings.findings().stream()
                                .filter(f -> f.claim() == claim && f.protocol().equals(protocol))
                                .toList();
                verdicts.add(
                        (findings.protocols().size() > 1
                                        ? Settings.protocolLabel(protocol) + ", "
                                        : "")
                                + Wording.sentence(claim, rows));
            }
        }
        String caption =
                "Each dead-unit measure at the last logged step, averaged over hooked layers, against batch size; "
                        + "mean over seeds, error bars the 95% confidence interval (none with one seed). zero_frac: share of block "
                        + "outputs exactly 0; near_zero_frac: share in the histogram bins touching 0 (fastai's measure); "
                        + "dead_channel_frac_window: share of channels exactly 0 for every element over the last W logged steps. "
                        + "Colour = norm, solid = ReLU, dashed = LeakyReLU. What this run shows: "
                        + String.join("; ", verdicts)
                        + ".";
        return Figure.rendered(
                ID,
                SLUG,
                TITLE,
                caption,
                notes,
                Canvas.render(ID, panels, recorded.size(), 360, 330 + NormActivationLegend.HEIGHT));
    }

    private static XYChart panel(Run run, List<Cell> cells, Measure m, String protocol) {
        XYChart chart =
                Theme.xyChart(
                        360,
                        330,
                        m.column() + (protocol.isEmpty() ? "" : ", " + protocol),
                        "batch size (log2 scale)",
                        m.label());
        chart.getStyler().setxAxisTickLabelsFormattingFunction(Variants::log2Tick);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        for (String norm : Variants.orderNorms(cells.stream().map(Cell::norm).toList())) {
            for (String act :
                    Variants.orderActivations(cells.stream().map(Cell::activation).toList())) {
                Map<Integer, List<Double>> byBatch = new TreeMap<>();
                for (Cell c : cells) {
                    if (c.norm().equals(norm) && c.activation().equals(act)) {
                        double v =
                                Findings.lastStepMean(
                                        m.values().apply(run.activations().get(c.cellId())));
                        if (!Double.isNaN(v)) {
                            byBatch.computeIfAbsent(c.batchSize(), k -> new ArrayList<>())
                                    .add(100 * v);
                        }
                    }
                }
                if (byBatch.isEmpty()) {
                    continue;
                }
                int n = byBatch.size();
                double[] x = new double[n];
                double[] y = new double[n];
                double[] err = new double[n];
                int i = 0;
                for (Map.Entry<Integer, List<Double>> e : byBatch.entrySet()) {
                    ConfidenceInterval ci =
                            ConfidenceInterval.of95(
                                    e.getValue().stream()
                                            .mapToDouble(Double::doubleValue)
                                            .toArray());
                    x[i] = Math.log(e.getKey()) / Math.log(2);
                    y[i] = ci.mean();
                    err[i] = ci.hasInterval() ? ci.halfWidth() : 0;
                    i++;
                }
                XYSeries s = chart.addSeries(Variants.shortVariantLabel(norm, act), x, y, err);
                s.setLineColor(Theme.normColor(norm));
                s.setLineStyle(Theme.activationStroke(act));
                s.setMarker("relu".equals(act) ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
                s.setMarkerColor(Theme.normColor(norm));
            }
        }
        return chart;
    }
}
