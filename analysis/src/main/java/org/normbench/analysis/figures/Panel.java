package org.normbench.analysis.figures;

import java.awt.Graphics2D;
import org.knowm.xchart.internal.chartpart.Chart;

/** Something that paints itself into a w x h box: an XChart chart, or a hand-drawn heat map. */
@FunctionalInterface
public interface Panel {
    void paint(Graphics2D g, int width, int height);

    static Panel of(Chart<?, ?> chart) {
        return chart::paint;
    }
}
