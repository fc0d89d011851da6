package org.normbench.analysis.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.util.List;

/**
 * A shared legend strip for figures whose series are norm x activation: one row of norm colours, one
 * row of activation line styles, instead of eight entries repeated in every panel (which do not fit
 * a narrow panel). Wraps a chart panel and draws the strip under it; without entries it draws none
 * but keeps the space, so every panel of a figure has the same plot size.
 */
final class NormActivationLegend implements Panel {
  static final int HEIGHT = 40;

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
    double y = height - HEIGHT + 14;
    double x = 12;
    for (String norm : norms) {
      x = entry(g, x, y, Theme.normColor(norm), Theme.SOLID, norm.toUpperCase(java.util.Locale.ROOT));
    }
    x = 12;
    for (String act : activations) {
      x = entry(g, x, y + 18, Color.BLACK, Theme.activationStroke(act), Variants.activationLabel(act));
    }
  }

  private static double entry(Graphics2D g, double x, double y, Color color, BasicStroke stroke, String label) {
    g.setColor(color);
    g.setStroke(stroke);
    g.draw(new Line2D.Double(x, y - 4, x + 24, y - 4));
    g.setColor(Color.BLACK);
    double w = HeatMapPanel.text(g, label, Theme.SMALL, x + 28, y, 0.0);
    return x + 28 + w + 14;
  }
}
