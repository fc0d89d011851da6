package org.normbench.analysis.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's look: the Okabe-Ito colour-blind-safe palette with a fixed colour per norm (the same
 * norm has the same colour in every figure), dashes for the second activation, logical fonts (so
 * output depends on no font lookup order), white background. Not a chart factory for a specific
 * figure.
 */
public final class Theme {
    /**
     * Okabe & Ito (2008), "Color Universal Design": distinguishable under common colour blindness.
     */
    public static final Color BLACK = new Color(0x000000);

    public static final Color ORANGE = new Color(0xE69F00);
    public static final Color SKY_BLUE = new Color(0x56B4E9);
    public static final Color BLUISH_GREEN = new Color(0x009E73);
    public static final Color YELLOW = new Color(0xF0E442);
    public static final Color BLUE = new Color(0x0072B2);
    public static final Color VERMILLION = new Color(0xD55E00);
    public static final Color REDDISH_PURPLE = new Color(0xCC79A7);

    /** The colours of {@link Variants#STUDY_NORMS}, in that order. */
    private static final List<Color> STUDY_NORM_COLORS =
            List.of(VERMILLION, BLUE, BLUISH_GREEN, ORANGE);

    /**
     * Any other norm (a plug-in) takes one of these, chosen by a hash of its name: the same norm
     * has the same colour in every figure and every report, whatever else the run holds.
     */
    private static final Color[] OTHER = {REDDISH_PURPLE, SKY_BLUE, BLACK, YELLOW};

    /**
     * Colours mean one thing each across the report: the four Okabe-Ito hues above are norms only.
     * Ordered quantities get one-hue ramps that no norm uses: batch size a ramp of purples (dark =
     * small batch), layer depth a ramp of greys (light = near the input, black = deepest). A
     * neutral grey fills bars that stand for no norm.
     */
    private static final Color[] BATCH_RAMP = {new Color(0x3F007D), new Color(0x9E9AC8)};

    private static final Color[] DEPTH_RAMP = {new Color(0xBDBDBD), BLACK};
    public static final Color NEUTRAL = new Color(0x666666);

    public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
    public static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    public static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 10);

    public static final BasicStroke SOLID =
            new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    public static final BasicStroke DASHED =
            new BasicStroke(
                    1.8f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND,
                    10f,
                    new float[] {6f, 4f},
                    0f);

    private Theme() {}

    public static Color normColor(String norm) {
        int study = Variants.STUDY_NORMS.indexOf(norm);
        return study >= 0
                ? STUDY_NORM_COLORS.get(study)
                : OTHER[Math.floorMod(norm.hashCode(), OTHER.length)];
    }

    /** Colour of the i-th of n batch sizes (ascending): dark purple for the smallest. */
    public static Color batchColor(int i, int n) {
        return ramp(BATCH_RAMP, i, n);
    }

    /** Colour of the i-th of n hooked layers (input to output): light grey to black. */
    public static Color depthColor(int i, int n) {
        return ramp(DEPTH_RAMP, i, n);
    }

    private static Color ramp(Color[] ends, int i, int n) {
        double t = n <= 1 ? 0 : (double) i / (n - 1);
        Color a = ends[0];
        Color b = ends[1];
        return new Color(
                (int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }

    /**
     * Dashes distinguish activations in black-and-white print: ReLU solid, anything else dashed.
     */
    public static BasicStroke activationStroke(String activation) {
        return "relu".equals(activation) ? SOLID : DASHED;
    }

    public static Color translucent(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    public static XYChart xyChart(
            int width, int height, String title, String xTitle, String yTitle) {
        XYChart chart =
                new XYChartBuilder()
                        .width(width)
                        .height(height)
                        .title(title)
                        .xAxisTitle(xTitle)
                        .yAxisTitle(yTitle)
                        .build();
        style(chart.getStyler());
        return chart;
    }

    public static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x888888));
        s.setChartFontColor(BLACK);
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setLegendFont(SMALL);
        s.setLegendBorderColor(new Color(0xCCCCCC));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartPadding(8);
        s.setAntiAlias(true);
        s.setSeriesColors(new Color[] {NEUTRAL});
        s.setToolTipsEnabled(false);
        if (s instanceof XYStyler xy) {
            xy.setAxisTitleFont(LABEL);
            xy.setAxisTickLabelsFont(SMALL);
            xy.setPlotGridLinesColor(new Color(0xE5E5E5));
            xy.setMarkerSize(5);
            xy.setXAxisDecimalPattern("#.##");
            // Wider than XChart's default so four-digit step numbers never run into each other.
            xy.setXAxisTickMarkSpacingHint(100);
            xy.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            xy.setSeriesMarkers(new Marker[] {SeriesMarkers.NONE});
        }
    }
}
