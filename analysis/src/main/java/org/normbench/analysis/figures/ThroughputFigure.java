package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Run;

/**
 * F6: training throughput (images/s, linear from zero so ratios read directly) against batch size,
 * one panel per device, colour = norm, solid = normbench on DJL, dashed = the PyTorch eager
 * reference. Mean over seeds of ok throughput cells.
 */
public final class ThroughputFigure implements FigureBuilder {
    public static final String ID = "F6";
    static final String TITLE =
            "How many images per second does each norm train at, on CPU and GPU, in DJL and in PyTorch?";

    @Override
    public Figure build(Run run) {
        List<Cell> cells =
                run.cells().stream()
                        .filter(
                                c ->
                                        "throughput".equals(c.kind())
                                                && c.isOk()
                                                && Double.isFinite(c.imagesPerSecond()))
                        .toList();
        if (cells.isEmpty()) {
            return Figure.skipped(ID, "throughput", TITLE, SkipReasons.noThroughput(run));
        }
        List<String> devices = cells.stream().map(Cell::device).distinct().sorted().toList();
        List<String> notes = new ArrayList<>();
        long failed =
                run.cells().stream()
                        .filter(c -> "throughput".equals(c.kind()) && !c.isOk())
                        .count();
        if (failed > 0) {
            notes.add(
                    failed
                            + " throughput cell(s) did not finish ok (e.g. out of memory) and are left out.");
        }
        List<String> contended =
                cells.stream().filter(Cell::contended).map(Cell::cellId).sorted().toList();
        if (!contended.isEmpty()) {
            notes.add(
                    "Measured under contention (another process held the CPU; the cell got under 80 % of the CPU time it"
                            + " asked for, cells.csv column contended): "
                            + (contended.size() == cells.size()
                                    ? "all " + cells.size() + " cells"
                                    : String.join(", ", contended))
                            + ". Their images/s understate what this machine does when quiet.");
        }
        List<XYChart> panels = new ArrayList<>();
        for (String device : devices) {
            XYChart chart =
                    Theme.xyChart(
                            420,
                            300,
                            "Throughput on " + device,
                            "batch size (images per step, log2 scale)",
                            "throughput (images/s)");
            chart.getStyler().setxAxisTickLabelsFormattingFunction(Variants::log2Tick);
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            List<Cell> onDevice = cells.stream().filter(c -> c.device().equals(device)).toList();
            List<String> impls =
                    onDevice.stream().map(Cell::implementation).distinct().sorted().toList();
            for (String norm : Variants.orderNorms(onDevice.stream().map(Cell::norm).toList())) {
                for (String impl : impls) {
                    TreeMap<Integer, double[]> byBatch = new TreeMap<>();
                    onDevice.stream()
                            .filter(c -> c.norm().equals(norm) && c.implementation().equals(impl))
                            .forEach(
                                    c -> {
                                        double[] acc =
                                                byBatch.computeIfAbsent(
                                                        c.batchSize(), k -> new double[2]);
                                        acc[0] += c.imagesPerSecond();
                                        acc[1]++;
                                    });
                    if (byBatch.isEmpty()) {
                        continue;
                    }
                    double[] x = new double[byBatch.size()];
                    double[] y = new double[byBatch.size()];
                    int i = 0;
                    for (Map.Entry<Integer, double[]> e : byBatch.entrySet()) {
                        x[i] = Math.log(e.getKey()) / Math.log(2);
                        y[i++] = e.getValue()[0] / e.getValue()[1];
                    }
                    XYSeries s = chart.addSeries(Variants.normLabel(norm) + ", " + impl, x, y);
                    s.setLineColor(Theme.normColor(norm));
                    s.setLineStyle("djl".equals(impl) ? Theme.SOLID : Theme.DASHED);
                    s.setMarker("djl".equals(impl) ? SeriesMarkers.CIRCLE : SeriesMarkers.SQUARE);
                    s.setMarkerColor(Theme.normColor(norm));
                }
            }
            panels.add(chart);
        }
        String caption =
                "Images per second = batch size / median step time over the timed steps (after warm-up), "
                        + "full training step (forward, backward, optimizer). Solid: normbench on DJL; dashed: PyTorch eager reference "
                        + "where the run has such cells.";
        return Figure.rendered(
                ID,
                "throughput",
                TITLE,
                caption,
                notes,
                Canvas.render(ID, panels.stream().map(Panel::of).toList(), 2, 420, 300));
    }
}
