package org.normbench.analysis.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * A hand-drawn heat map panel (time on x, value bins on y, colour = a value already transformed by
 * the caller), with axes, a few ticks and a colour bar. Drawn by hand rather than with XChart's
 * HeatMapChart so that a 40-bin x 60-step grid gets readable ticks and one colour scale shared by
 * every panel. Text is drawn as outlines, like XChart does, so SVG output needs no fonts.
 */
final class HeatMapPanel implements Panel {
    /** Viridis (van der Walt & Smith, matplotlib): perceptually uniform and colour-blind safe. */
    private static final int[] VIRIDIS = {
        0x440154, 0x482878, 0x3E4989, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C,
        0xFDE725
    };

    private static final int LEVELS = 64;
    private static final FontRenderContext FRC =
            new FontRenderContext(new AffineTransform(), true, true);

    private final String title;
    private final String xTitle;
    private final String yTitle;
    private final int[] steps;
    private final double[] binEdges;
    private final double[][] values;
    private final double vmax;

    /**
     * @param steps x positions (one per column)
     * @param binEdges bins + 1 edges, ascending
     * @param values [column][bin], already on the colour scale [0, vmax]
     */
    HeatMapPanel(
            String title,
            String xTitle,
            String yTitle,
            int[] steps,
            double[] binEdges,
            double[][] values,
            double vmax) {
        this.title = title;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.steps = steps;
        this.binEdges = binEdges;
        this.values = values;
        this.vmax = vmax > 0 ? vmax : 1;
    }

    @Override
    public void paint(Graphics2D g, int width, int height) {
        int left = 52;
        int right = 42;
        int top = 26;
        int bottom = 36;
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, width, height));
        g.setColor(Color.BLACK);
        text(g, title, Theme.TITLE, width / 2.0, 16, 0.5);
        int columns = values.length;
        int bins = binEdges.length - 1;
        double cw = plotW / Math.max(1, columns);
        double ch = plotH / Math.max(1, bins);
        // One path per colour level instead of one shape per cell: 64 levels are indistinguishable
        // from a
        // continuous scale by eye, and the SVG shrinks from thousands of elements to at most 64.
        // Runs of equal level along time become one rectangle, which shrinks the SVG several-fold.
        Path2D.Double[] levels = new Path2D.Double[LEVELS];
        for (int b = 0; b < bins; b++) {
            int c = 0;
            while (c < columns) {
                int level = level(values[c][b]);
                int end = c + 1;
                while (end < columns && level(values[end][b]) == level) {
                    end++;
                }
                if (levels[level] == null) {
                    levels[level] = new Path2D.Double(Path2D.WIND_NON_ZERO);
                }
                // Overlap by a hair so anti-aliasing leaves no seams between cells.
                levels[level].append(
                        new Rectangle2D.Double(
                                left + c * cw,
                                top + plotH - (b + 1) * ch,
                                (end - c) * cw + 0.4,
                                ch + 0.4),
                        false);
                c = end;
            }
        }
        for (int level = 0; level < LEVELS; level++) {
            if (levels[level] != null) {
                g.setColor(color((level + 0.5) / LEVELS));
                g.fill(levels[level]);
            }
        }
        g.setColor(new Color(0x888888));
        g.draw(new Rectangle2D.Double(left, top, plotW, plotH));
        g.setColor(Color.BLACK);
        // y ticks at about five evenly spaced bin edges.
        int yStep = Math.max(1, bins / 4);
        for (int b = 0; b <= bins; b += yStep) {
            double y = top + plotH - b * ch;
            g.draw(new Line2D.Double(left - 3, y, left, y));
            text(g, number(binEdges[b]), Theme.SMALL, left - 5, y + 3.5, 1.0);
        }
        // x ticks: first, middle and last logged step.
        if (columns > 0) {
            for (int c : new int[] {0, columns / 2, columns - 1}) {
                double x = left + (c + 0.5) * cw;
                g.draw(new Line2D.Double(x, top + plotH, x, top + plotH + 3));
                text(g, Integer.toString(steps[c]), Theme.SMALL, x, top + plotH + 14, 0.5);
            }
        }
        text(g, xTitle, Theme.LABEL, left + plotW / 2, height - 6, 0.5);
        AffineTransform saved = g.getTransform();
        g.translate(14, top + plotH / 2);
        g.rotate(-Math.PI / 2);
        text(g, yTitle, Theme.LABEL, 0, 0, 0.5);
        g.setTransform(saved);
        // Colour bar.
        double barX = width - right + 8;
        int segments = 40;
        for (int i = 0; i < segments; i++) {
            g.setColor(color((i + 0.5) / segments));
            g.fill(
                    new Rectangle2D.Double(
                            barX,
                            top + plotH - (i + 1) * plotH / segments,
                            8,
                            plotH / segments + 0.5));
        }
        g.setColor(Color.BLACK);
        text(g, "0", Theme.SMALL, barX + 10, top + plotH, 0.0);
        text(g, number(vmax), Theme.SMALL, barX + 10, top + 8, 0.0);
    }

    private int level(double value) {
        return (int) Math.min(LEVELS - 1, Math.max(0, Math.floor(value / vmax * LEVELS)));
    }

    static Color color(double t) {
        double x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) Math.floor(x));
        double f = x - i;
        int a = VIRIDIS[i];
        int b = VIRIDIS[i + 1];
        int r = (int) Math.round(((a >> 16) & 0xFF) * (1 - f) + ((b >> 16) & 0xFF) * f);
        int gr = (int) Math.round(((a >> 8) & 0xFF) * (1 - f) + ((b >> 8) & 0xFF) * f);
        int bl = (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
        return new Color(r, gr, bl);
    }

    private static String number(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-9
                ? Long.toString(Math.round(v))
                : String.format(Locale.ROOT, "%.2g", v);
    }

    /**
     * Draws {@code s} as an outline (so SVG output needs no fonts); {@code align} 0 = left, 0.5 =
     * centre, 1 = right of x. Returns the text's advance width.
     */
    static double text(Graphics2D g, String s, Font font, double x, double y, double align) {
        if (s.isEmpty()) {
            return 0;
        }
        TextLayout layout = new TextLayout(s, font, FRC);
        double w = layout.getAdvance();
        Shape outline = layout.getOutline(AffineTransform.getTranslateInstance(x - align * w, y));
        g.fill(outline);
        return w;
    }
}
