package org.normbench.analysis.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.font.TextLayout;
import java.awt.geom.Line2D;
import java.util.List;

/**
 * A shared legend strip for figures whose series are norm x activation: one row of norm colours,
 * one row of activation line styles, instead of eight entries repeated in every panel (which do not
 * fit a narrow panel). Wraps a chart panel and draws the strip under it; without entries it draws
 * none but keeps the space, so every panel of a figure has the same plot size.
 */
final class NormActivationLegend implements Panel {
    static final int HEIGHT = 52;
    private static final int ROW = 16;

    private final Panel chart;
    private final List<String> norms;
    private final List<String> activations;

    NormActivationLegend(Panel chart, List<String> norms, List<String> activations) {
        this.chart = chart;
        this.norms = norms;
        this.activations = activations;
    }

    @Override
    public void paint(Graphics2D g, int width, int height) {
        Graphics2D top = (Graphics2D) g.create();
        chart.paint(top, width, height - HEIGHT);
        top.dispose();
        g.setColor(Color.WHITE);
        g.fillRect(0, height - HEIGHT, width, HEIGHT);
        double[] pen = {12, height - HEIGHT + 13};
        for (String norm : norms) {
            entry(g, pen, width, Theme.normColor(norm), Theme.SOLID, Variants.normLabel(norm));
        }
        if (!norms.isEmpty()) {
            pen[0] = 12;
            pen[1] += ROW;
        }
        for (String act : activations) {
            entry(
                    g,
                    pen,
                    width,
                    Color.BLACK,
                    Theme.activationStroke(act),
                    Variants.activationLabel(act));
        }
    }

    /**
     * Draws one entry at the pen, wrapping to the next row when it would not fit; moves the pen on.
     */
    private static void entry(
            Graphics2D g, double[] pen, int width, Color color, BasicStroke stroke, String label) {
        double w = new TextLayout(label, Theme.SMALL, g.getFontRenderContext()).getAdvance();
        if (pen[0] > 12 && pen[0] + 28 + w > width - 4) {
            pen[0] = 12;
            pen[1] += ROW;
        }
        g.setColor(color);
        g.setStroke(stroke);
        g.draw(new Line2D.Double(pen[0], pen[1] - 4, pen[0] + 24, pen[1] - 4));
        g.setColor(Color.BLACK);
        HeatMapPanel.text(g, label, Theme.SMALL, pen[0] + 28, pen[1], 0.0);
        pen[0] += 28 + w + 14;
    }
}
