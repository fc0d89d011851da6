package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.LayerStats;
import org.normbench.analysis.load.Run;

/**
 * F5: share of dead channels (output <= 0 for the whole batch), averaged over hooked layers and over
 * seeds at the focus batch size, against step; one panel per norm, ReLU solid vs LeakyReLU dashed.
 */
public final class DeadChannelFigure implements FigureBuilder {
  public static final String ID = "F5";
  static final String TITLE = "Do ReLU channels die during training, and does LeakyReLU prevent it?";

  @Override
  public Figure build(Run run) {
    OptionalInt focus = Focus.batchSize(run);
    if (focus.isEmpty()) {
      return Figure.skipped(ID, "dead-channels", TITLE, SkipReasons.noSeries(run, "activations.csv", run.activations(), Settings.primaryTrainCells(run)));
    }
    int batch = focus.getAsInt();
    List<Cell> cells = Settings.primaryTrainCells(run).stream()
        .filter(c -> c.batchSize() == batch && run.activations().containsKey(c.cellId())).toList();
    List<XYChart> panels = new ArrayList<>();
    for (String norm : Variants.orderNorms(cells.stream().map(Cell::norm).toList())) {
      XYChart chart = Theme.xyChart(340, 250, Variants.normLabel(norm), "optimizer step", "dead channels (%)");
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
      chart.getStyler().setYAxisMin(0.0);
      for (String act : Variants.orderActivations(cells.stream().map(Cell::activation).toList())) {
        TreeMap<Integer, double[]> sums = new TreeMap<>();
        for (Cell c : cells) {
          if (!c.norm().equals(norm) || !c.activation().equals(act)) {
            continue;
          }
          LayerStats stats = run.activations().get(c.cellId());
          for (int l = 0; l < stats.layers().size(); l++) {
            for (int i = 0; i < stats.steps()[l].length; i++) {
              double[] acc = sums.computeIfAbsent(stats.steps()[l][i], k -> new double[2]);
              acc[0] += stats.deadChannelFrac()[l][i];
              acc[1]++;
            }
          }
        }
        if (sums.isEmpty()) {
          continue;
        }
        double[] x = sums.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
        double[] y = sums.values().stream().mapToDouble(a -> 100 * a[0] / a[1]).toArray();
        XYSeries s = chart.addSeries(Variants.activationLabel(act), x, y);
        s.setLineColor(Theme.normColor(norm));
        s.setLineStyle(Theme.activationStroke(act));
      }
      panels.add(chart);
    }
    String caption = "Dead channels: share of channels whose output is <= 0 for every element of the batch, "
        + "averaged over all hooked layers and over seeds, batch size " + batch
        + ". A rising ReLU line is the 'dying ReLU' effect; LeakyReLU outputs are negative rather than zero, "
        + "so its channels rarely count as dead.";
    return Figure.rendered(ID, "dead-channels", TITLE, caption, Settings.notes(run),
        Canvas.render(ID, panels.stream().map(Panel::of).toList(), 2, 340, 250));
  }
}
