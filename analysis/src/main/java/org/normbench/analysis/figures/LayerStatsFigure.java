package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.LayerStats;
import org.normbench.analysis.load.Run;

/**
 * F3, fastai's layer-stats plot: per-layer mean and standard deviation of the block outputs over
 * training, one row per variant (the {@link Focus} cells), mean on the left, std on the right.
 */
public final class LayerStatsFigure implements FigureBuilder {
    public static final String ID = "F3";
    static final String TITLE =
            "Do activation means and spreads stay stable through depth and training?";

    @Override
    public Figure build(Run run) {
        OptionalInt focus = Focus.batchSize(run);
        if (focus.isEmpty()) {
            return Figure.skipped(
                    ID,
                    "layer-stats",
                    TITLE,
                    SkipReasons.noSeries(
                            run,
                            "activations.csv",
                            run.activations(),
                            Settings.primaryTrainCells(run)));
        }
        Map<String, Cell> cells = Focus.cells(run, focus.getAsInt());
        List<XYChart> panels = new ArrayList<>();
        for (Cell cell : cells.values()) {
            LayerStats stats = run.activations().get(cell.cellId());
            String variant = Variants.shortVariantLabel(cell.norm(), cell.activation());
            panels.add(chart(variant + ": mean", "mean of block output", stats, stats.mean()));
            panels.add(chart(variant + ": std", "std of block output", stats, stats.std()));
        }
        String caption =
                "Mean (left) and standard deviation (right) of each hooked block's output at logged steps, "
                        + "batch size "
                        + focus.getAsInt()
                        + ", lowest seed of each variant, training mode; layers in greys from light "
                        + "(input) to black (deepest). "
                        + "Cf. fast.ai course-v3 lesson 10 (notebook 06): exploding or collapsing std in deep layers signals bad scaling.";
        return Figure.rendered(
                ID,
                "layer-stats",
                TITLE,
                caption,
                Settings.notes(run),
                Canvas.render(ID, panels.stream().map(Panel::of).toList(), 2, 420, 220));
    }

    private static XYChart chart(String title, String yTitle, LayerStats stats, double[][] values) {
        XYChart chart = Theme.xyChart(420, 220, title, "optimizer step", yTitle);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (int l = 0; l < stats.layers().size(); l++) {
            int[] idx = Smoothing.thin(stats.steps()[l].length, 200);
            double[] x = new double[idx.length];
            double[] y = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                x[i] = stats.steps()[l][idx[i]];
                y[i] = values[l][idx[i]];
            }
            XYSeries s = chart.addSeries(stats.layers().get(l), x, y);
            s.setLineColor(Theme.depthColor(l, stats.layers().size()));
            s.setLineStyle(Theme.SOLID);
        }
        return chart;
    }
}
