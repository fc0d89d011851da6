package org.normbench.analysis.figures;

import java.io.IOException;
import java.util.List;
import org.normbench.analysis.load.Run;

/**
 * Builds one figure of the report from a loaded run, or a skipped placeholder when the run lacks
 * its data. Implementations are stateless; their ID never changes once published.
 */
public interface FigureBuilder {
    Figure build(Run run) throws IOException;

    /** Every figure of the report, in report order. */
    static List<FigureBuilder> all() {
        return List.of(
                new TestErrorFigure(),
                new LossCurvesFigure(),
                new LayerStatsFigure(),
                new HistogramHeatmapFigure(),
                new DeadUnitsFigure(),
                new ThroughputFigure(),
                new JmhFigure());
    }
}
