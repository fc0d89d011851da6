package org.normbench.analysis.figures;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.HistogramSeries;
import org.normbench.analysis.load.Run;

/**
 * F4, fastai's "colorful dimension" per layer, ReLU and LeakyReLU side by side: each hooked layer's
 * activation histogram over training as an image of log(1 + count), rows = layers (input to
 * output), left = the ReLU cell, right = the LeakyReLU cell of the same norm, batch size and seed
 * (BatchNorm where the run has it; the {@link Focus} protocol, batch size and lowest seed). One
 * colour scale for all panels so they compare; flat-lining shows as a bright band at 0 that stays.
 */
public final class HistogramHeatmapFigure implements FigureBuilder {
    public static final String ID = "F4";
    static final String TITLE =
            "Do activations flat-line at zero over training, layer by layer: ReLU vs LeakyReLU";
    private static final String SLUG = "histogram-heatmaps";
    private static final int MAX_COLUMNS = 60;

    @Override
    public Figure build(Run run) throws IOException {
        OptionalInt focus = Focus.batchSize(run);
        if (focus.isEmpty()) {
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
        Map<String, Cell> variants = Focus.cells(run, focus.getAsInt());
        List<String> norms =
                Variants.orderNorms(variants.values().stream().map(Cell::norm).toList());
        String norm = norms.contains("bn") ? "bn" : norms.get(0);
        List<Cell> shown = new ArrayList<>();
        for (String act :
                Variants.orderActivations(
                        variants.values().stream().map(Cell::activation).toList())) {
            Cell c = variants.get(norm + "|" + act);
            if (c != null) {
                shown.add(c);
            }
        }
        Map<String, HistogramSeries> hist =
                run.histograms(shown.stream().map(Cell::cellId).toList());
        List<Cell> candidates = List.copyOf(shown);
        shown.removeIf(
                c -> hist.get(c.cellId()) == null || hist.get(c.cellId()).steps().length == 0);
        if (shown.isEmpty()) {
            return Figure.skipped(ID, SLUG, TITLE, SkipReasons.noHistograms(run, candidates));
        }
        List<String> notes = new ArrayList<>(Settings.notes(run));
        if (shown.size() < 2) {
            notes.add(
                    "Only "
                            + Variants.activationLabel(shown.get(0).activation())
                            + " has histograms for "
                            + Variants.normLabel(norm)
                            + " at batch "
                            + focus.getAsInt()
                            + "; no side-by-side comparison.");
        }
        int layers =
                shown.stream().mapToInt(c -> hist.get(c.cellId()).layers().size()).max().orElse(0);
        double vmax = 0;
        List<Panel> panels = new ArrayList<>();
        List<double[][]> grids = new ArrayList<>();
        List<int[]> stepsShown = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        List<HistogramSeries> series = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            for (Cell cell : shown) {
                HistogramSeries h = hist.get(cell.cellId());
                if (layer >= h.layers().size()) {
                    continue;
                }
                int[] idx = Smoothing.thin(h.steps().length, MAX_COLUMNS);
                double[][] grid = new double[idx.length][h.bins()];
                int[] steps = new int[idx.length];
                for (int c = 0; c < idx.length; c++) {
                    steps[c] = h.steps()[idx[c]];
                    long[] counts = h.counts()[layer][idx[c]];
                    for (int b = 0; b < counts.length; b++) {
                        grid[c][b] = Math.log1p(counts[b]);
                        vmax = Math.max(vmax, grid[c][b]);
                    }
                }
                grids.add(grid);
                stepsShown.add(steps);
                titles.add(
                        Variants.shortVariantLabel(cell.norm(), cell.activation())
                                + ", "
                                + h.layers().get(layer));
                series.add(h);
            }
        }
        for (int i = 0; i < grids.size(); i++) {
            HistogramSeries h = series.get(i);
            double[] edges = new double[h.bins() + 1];
            System.arraycopy(h.lowerEdges(), 0, edges, 0, h.bins());
            edges[h.bins()] = h.upperEdge();
            panels.add(
                    new HeatMapPanel(
                            titles.get(i),
                            "optimizer step",
                            "activation value",
                            stepsShown.get(i),
                            edges,
                            grids.get(i),
                            vmax));
        }
        Cell first = shown.get(0);
        String caption =
                "Histogram of each hooked block's output values (fixed bins over the run's histogram range; "
                        + "values outside are counted in the edge bins) at logged steps, coloured by log(1 + count) with one viridis "
                        + "scale for all panels: fast.ai course-v3 lesson 10's \"colorful dimension\" view. One row per layer, from "
                        + "the input (top) to the output (bottom); left "
                        + shown.stream()
                                .map(c -> Variants.activationLabel(c.activation()))
                                .reduce((a, b) -> a + ", right " + b)
                                .orElse("")
                        + "; "
                        + Variants.normLabel(norm)
                        + ", batch size "
                        + focus.getAsInt()
                        + ", seed "
                        + first.seed()
                        + ", "
                        + Settings.protocolLabel(first.lrProtocol())
                        + ". Where to look: ReLU outputs exactly 0 for every negative "
                        + "input, which lands in the bin just above 0; LeakyReLU maps a negative input x to slope * x (the slope is in "
                        + "cells.csv activation_options), mostly into the bins just below 0, and these still pass gradient. A band "
                        + "that stays bright while the spread above it fades over training is units flat-lining. The bins cannot "
                        + "tell an exact zero from a small value next to it; zero_frac (F5) can."
                        + (series.stream().anyMatch(h -> h.layers().contains("head"))
                                ? " The row named head is the classifier's output (logits, no activation), for comparison."
                                : "");
        return Figure.rendered(
                ID, SLUG, TITLE, caption, notes, Canvas.render(ID, panels, shown.size(), 330, 170));
    }
}
