package org.normbench.analysis.figures;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.normbench.analysis.load.JmhResult;
import org.normbench.analysis.load.Run;

/**
 * F7: JMH microbenchmark scores with their 99.9% error bars (JMH's scoreError), one panel per
 * benchmark method and unit, one bar per parameter set in file order. Present only when the run has
 * jmh/*.json.
 */
public final class JmhFigure implements FigureBuilder {
    public static final String ID = "F7";
    static final String TITLE =
            "What does each norm's forward+backward cost, and what do the hooks add?";

    @Override
    public Figure build(Run run) {
        if (run.jmh().isEmpty()) {
            return Figure.skipped(
                    ID, "jmh", TITLE, "the run has no jmh/*.json (copy JMH -rf json output there)");
        }
        // One panel per benchmark method and unit: different benchmarks measure different work, so
        // their
        // scores share no scale; within a panel the bars are its parameter sets.
        List<String> keys =
                run.jmh().stream()
                        .map(r -> r.benchmark() + "\u0000" + r.unit())
                        .distinct()
                        .toList();
        List<CategoryChart> panels = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String key : keys) {
            List<JmhResult> rows =
                    run.jmh().stream()
                            .filter(r -> (r.benchmark() + "\u0000" + r.unit()).equals(key))
                            .toList();
            JmhResult first = rows.get(0);
            String[] parts = first.benchmark().split("\\.");
            String name =
                    parts.length >= 2
                            ? parts[parts.length - 2] + "." + parts[parts.length - 1]
                            : first.benchmark();
            CategoryChart chart =
                    new CategoryChartBuilder()
                            .width(420)
                            .height(300)
                            .title(name)
                            .xAxisTitle("parameters")
                            .yAxisTitle("score (" + first.unit() + ")")
                            .build();
            Theme.style(chart.getStyler());
            chart.getStyler().setAxisTitleFont(Theme.LABEL);
            chart.getStyler().setAxisTickLabelsFont(Theme.SMALL);
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setPlotGridLinesColor(new Color(0xE5E5E5));
            chart.getStyler().setErrorBarsColor(Theme.BLACK);
            List<String> labels = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (JmhResult r : rows) {
                String label =
                        r.params().isEmpty()
                                ? "(none)"
                                : r.params().toString().replaceAll("[{}]", "");
                while (labels.contains(label)) {
                    label = label + " (" + r.file() + ")";
                }
                labels.add(label);
                scores.add(r.score());
                errors.add(Double.isFinite(r.scoreError()) ? r.scoreError() : 0.0);
                if (!Double.isFinite(r.scoreError())) {
                    notes.add(r.label() + ": JMH reported no score error (single iteration?).");
                }
            }
            CategorySeries s = chart.addSeries("score", labels, scores, errors);
            s.setFillColor(Theme.NEUTRAL);
            panels.add(chart);
        }
        String caption =
                "JMH primary metric per benchmark and parameter set with JMH's 99.9% confidence half-width as "
                        + "error bar. Lower is better for time per operation.";
        return Figure.rendered(
                ID,
                "jmh",
                TITLE,
                caption,
                notes,
                Canvas.render(ID, panels.stream().map(Panel::of).toList(), 2, 420, 300));
    }
}
