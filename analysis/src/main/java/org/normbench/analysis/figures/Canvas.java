package org.normbench.analysis.figures;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Lays panels (XChart charts or hand-drawn {@link Panel}s) out in a grid of equal panels and
 * renders the grid once as SVG and once as a 2x PNG. The SVG comes from {@link SvgWriter}:
 * deterministic, compact, and safe to inline several times in one page (ids are prefixed with the
 * figure id). XChart draws text as outlines, so the figures look the same without the fonts
 * installed. Not a chart builder.
 */
public final class Canvas {
    private static final int PNG_SCALE = 2;

    /** The SVG document (with XML prolog) and the PNG bytes of one figure. */
    public record Rendered(String svg, byte[] png) {}

    private Canvas() {}

    public static Rendered render(
            String figureId,
            List<? extends Panel> panels,
            int columns,
            int panelWidth,
            int panelHeight) {
        int rows = (panels.size() + columns - 1) / columns;
        int cols = Math.min(columns, panels.size());
        int width = cols * panelWidth;
        int height = rows * panelHeight;

        VectorGraphics2D vg = new VectorGraphics2D();
        paint(vg, panels, cols, panelWidth, panelHeight, width, height);
        String svg = SvgWriter.write(figureId, vg.getCommands(), width, height);

        BufferedImage image =
                new BufferedImage(
                        width * PNG_SCALE, height * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.scale(PNG_SCALE, PNG_SCALE);
        paint(g, panels, cols, panelWidth, panelHeight, width, height);
        g.dispose();
        return new Rendered(svg, PngEncoder.encode(image));
    }

    private static void paint(
            Graphics2D g,
            List<? extends Panel> panels,
            int cols,
            int w,
            int h,
            int width,
            int height) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < panels.size(); i++) {
            Graphics2D panel = (Graphics2D) g.create();
            panel.translate((i % cols) * w, (i / cols) * h);
            panel.setClip(0, 0, w, h);
            panels.get(i).paint(panel, w, h);
            panel.dispose();
        }
    }

    /** The SVG element alone (no XML prolog or DOCTYPE), for inlining in HTML. */
    public static String inlineSvg(String svgDocument) {
        int start = svgDocument.indexOf("<svg");
        return start < 0 ? svgDocument : svgDocument.substring(start);
    }
}
