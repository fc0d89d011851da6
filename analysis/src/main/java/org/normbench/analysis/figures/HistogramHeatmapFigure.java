package org.normbench.analysis.figures;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.HistogramSeries;
import org.normbench.analysis.load.Run;

/**
 * F4, fastai's "colorful dimension": each hooked layer's activation histogram over training as an
 * image of log(1 + count), rows = variants (the {@link Focus} cells), columns = the first, a middle
 * and the last hooked layer. One colour scale for all panels so they compare.
 */
public final class HistogramHeatmapFigure implements FigureBuilder {
  public static final String ID = "F4";
  static final String TITLE = "Where do activations pile up over training: near zero, or spread out?";
  private static final int MAX_COLUMNS = 60;

  @Override
  public Figure build(Run run) throws IOException {
    OptionalInt focus = Focus.batchSize(run);
    if (focus.isEmpty()) {
      return Figure.skipped(ID, "histogram-heatmaps", TITLE, SkipReasons.noSeries(run, "activations.csv", run.activations(), Settings.primaryTrainCells(run)));
    }
    Map<String, Cell> cells = Focus.cells(run, focus.getAsInt());
    Map<String, HistogramSeries> hist = run.histograms(cells.values().stream().map(Cell::cellId).toList());
    if (hist.isEmpty()) {
      return Figure.skipped(ID, "histogram-heatmaps", TITLE, SkipReasons.noHistograms(run, cells.values()));
    }
    record Item(String title, HistogramSeries h, int layer) {}
    List<Item> items = new ArrayList<>();
    for (Cell cell : cells.values()) {
      HistogramSeries h = hist.get(cell.cellId());
      if (h == null || h.steps().length == 0) {
        continue;
      }
      int n = h.layers().size();
      for (int layer : new LinkedHashSet<>(List.of(0, n / 2, n - 1))) {
        items.add(new Item(Variants.shortVariantLabel(cell.norm(), cell.activation()) + ", " + h.layers().get(layer), h, layer));
      }
    }
    int perRow = (int) items.stream().map(Item::h).distinct().mapToInt(h -> Math.min(3, h.layers().size())).max().orElse(1);
    double vmax = 0;
    List<double[][]> grids = new ArrayList<>();
    List<int[]> stepsShown = new ArrayList<>();
    for (Item item : items) {
      int[] idx = Smoothing.thin(item.h().steps().length, MAX_COLUMNS);
      double[][] grid = new double[idx.length][item.h().bins()];
      int[] steps = new int[idx.length];
      for (int c = 0; c < idx.length; c++) {
        steps[c] = item.h().steps()[idx[c]];
        long[] counts = item.h().counts()[item.layer()][idx[c]];
        for (int b = 0; b < counts.length; b++) {
          grid[c][b] = Math.log1p(counts[b]);
          vmax = Math.max(vmax, grid[c][b]);
        }
      }
      grids.add(grid);
      stepsShown.add(steps);
    }
    List<Panel> panels = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      HistogramSeries h = items.get(i).h();
      double[] edges = new double[h.bins() + 1];
      System.arraycopy(h.lowerEdges(), 0, edges, 0, h.bins());
      edges[h.bins()] = h.upperEdge();
      panels.add(new HeatMapPanel(items.get(i).title(), "optimizer step", "activation value", stepsShown.get(i), edges,
          grids.get(i), vmax));
    }
    String caption = "Histogram of each block's output values (fixed bins over the run's histogram range; values "
        + "outside are counted in the edge bins) at logged steps, coloured by log(1 + count) with one viridis scale "
        + "for all panels; batch size " + focus.getAsInt() + ", lowest seed. A bright band at 0 is mass collapsing onto zero "
        + "(cf. fast.ai course-v3 lesson 10).";
    return Figure.rendered(ID, "histogram-heatmaps", TITLE, caption, Settings.notes(run),
        Canvas.render(ID, panels, perRow, 300, 220));
  }
}
