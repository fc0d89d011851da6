package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Curve;
import org.normbench.analysis.load.Run;

/**
 * F2: smoothed training loss against step, one panel per variant, one line per batch size (mean
 * over the seeds that logged that step). Log y when the loss spans more than a decade.
 */
public final class LossCurvesFigure implements FigureBuilder {
    public static final String ID = "F2";
    static final String TITLE =
            "How fast and how stably does each variant train at each batch size?";
    private static final int MAX_POINTS = 200;
    private static final double BETA = 0.98;

    @Override
    public Figure build(Run run) {
        List<Cell> primary = Settings.primaryTrainCells(run);
        List<Cell> cells =
                primary.stream().filter(c -> run.curves().containsKey(c.cellId())).toList();
        if (cells.isEmpty()) {
            return Figure.skipped(
                    ID,
                    "loss-curves",
                    TITLE,
                    SkipReasons.noSeries(run, "curves.csv", run.curves(), primary));
        }
        List<String> notes = new ArrayList<>(Settings.notes(run));
        List<String> norms = Variants.orderNorms(cells.stream().map(Cell::norm).toList());
        List<String> acts =
                Variants.orderActivations(cells.stream().map(Cell::activation).toList());
        List<Integer> batches = cells.stream().map(Cell::batchSize).distinct().sorted().toList();
        List<XYChart> panels = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        List<String> protocols = Settings.protocols(cells);
        for (String protocol : protocols) {
            for (String norm : norms) {
                for (String act : acts) {
                    List<Cell> variant =
                            cells.stream()
                                    .filter(
                                            c ->
                                                    c.norm().equals(norm)
                                                            && c.activation().equals(act)
                                                            && c.lrProtocol().equals(protocol))
                                    .toList();
                    if (variant.isEmpty()) {
                        continue;
                    }
                    XYChart chart =
                            Theme.xyChart(
                                    460,
                                    260,
                                    Variants.variantLabel(norm, act)
                                            + (protocols.size() > 1
                                                    ? ", " + Settings.protocolLabel(protocol)
                                                    : ""),
                                    "optimizer step",
                                    "training loss (smoothed)");
                    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
                    for (int b = 0; b < batches.size(); b++) {
                        int batch = batches.get(b);
                        TreeMap<Integer, double[]> sums = new TreeMap<>();
                        for (Cell c : variant) {
                            if (c.batchSize() != batch) {
                                continue;
                            }
                            Curve curve = run.curves().get(c.cellId());
                            double[] smooth = Smoothing.ema(curve.trainLoss(), BETA);
                            for (int i = 0; i < smooth.length; i++) {
                                if (Double.isFinite(smooth[i])) {
                                    double[] acc =
                                            sums.computeIfAbsent(
                                                    curve.steps()[i], k -> new double[2]);
                                    acc[0] += smooth[i];
                                    acc[1]++;
                                }
                            }
                            if (!c.isOk()) {
                                notes.add(
                                        Variants.variantLabel(norm, act)
                                                + ", batch "
                                                + batch
                                                + ", seed "
                                                + c.seed()
                                                + ": status "
                                                + c.status()
                                                + "; its curve stops where the loss stopped being finite.");
                            }
                        }
                        if (sums.isEmpty()) {
                            continue;
                        }
                        int[] idx = Smoothing.thin(sums.size(), MAX_POINTS);
                        List<Map.Entry<Integer, double[]>> entries =
                                new ArrayList<>(sums.entrySet());
                        double[] x = new double[idx.length];
                        double[] y = new double[idx.length];
                        for (int i = 0; i < idx.length; i++) {
                            Map.Entry<Integer, double[]> e = entries.get(idx[i]);
                            x[i] = e.getKey();
                            y[i] = e.getValue()[0] / e.getValue()[1];
                            min = Math.min(min, y[i]);
                            max = Math.max(max, y[i]);
                        }
                        XYSeries s = chart.addSeries("batch " + batch, x, y);
                        s.setLineColor(Theme.batchColor(b, batches.size()));
                        s.setLineStyle(Theme.SOLID);
                    }
                    panels.add(chart);
                }
            }
        }
        boolean logY = min > 0 && max / min > 10;
        for (XYChart chart : panels) {
            chart.getStyler().setYAxisLogarithmic(logY);
            if (Double.isFinite(min)) {
                chart.getStyler().setYAxisMin(logY ? min : Math.min(0, min));
                chart.getStyler().setYAxisMax(max);
            }
        }
        String caption =
                "Training loss of each step's batch, smoothed with a debiased exponential moving average (beta = "
                        + BETA
                        + "), averaged over seeds, "
                        + (logY ? "log scale" : "linear scale")
                        + "; same y range in every panel; batch sizes in shades of purple (darkest = smallest). Noisy or rising curves at small batch sizes point at unstable statistics.";
        return Figure.rendered(
                ID,
                "loss-curves",
                TITLE,
                caption,
                notes,
                Canvas.render(ID, panels.stream().map(Panel::of).toList(), 2, 460, 260));
    }
}
