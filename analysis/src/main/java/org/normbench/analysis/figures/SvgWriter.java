package org.normbench.analysis.figures;

import de.erichseifert.vectorgraphics2d.intermediate.commands.AffineTransformCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.Command;
import de.erichseifert.vectorgraphics2d.intermediate.commands.CreateCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.DisposeCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.DrawImageCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.DrawShapeCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.DrawStringCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.FillShapeCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.SetClipCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.SetColorCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.SetCompositeCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.SetPaintCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.SetStrokeCommand;
import de.erichseifert.vectorgraphics2d.intermediate.commands.SetTransformCommand;
import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.PathIterator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.normbench.analysis.html.Html;

/**
 * Serialises the drawing commands that VectorGraphics2D records into a compact SVG document.
 * Written for the report instead of VectorGraphics2D's own DOM-based SVG export because that one is
 * slow on figures with tens of thousands of shapes, prints coordinates with up to 15 digits and
 * names clip paths after identity hash codes (different on every run). Here coordinates are in
 * device space with at most two decimals (1/100 px), clip ids are sequential and prefixed with the
 * figure id, and the output is a pure function of the drawing. Supports exactly what XChart and the
 * report's own panels draw: filled and stroked shapes, solid colours with alpha, BasicStroke,
 * transforms, clips, nested graphics. Not a general Graphics2D-to-SVG converter (no images,
 * gradients, text elements beyond plain strings).
 */
final class SvgWriter {
    private static final class State {
        AffineTransform transform = new AffineTransform();
        Color color = Color.BLACK;
        float alpha = 1f;
        Stroke stroke = new BasicStroke(1f);
        Shape clip;
        String clipId;

        State copy() {
            State s = new State();
            s.transform = new AffineTransform(transform);
            s.color = color;
            s.alpha = alpha;
            s.stroke = stroke;
            s.clip = clip;
            s.clipId = clipId;
            return s;
        }
    }

    private final String idPrefix;
    private final StringBuilder defs = new StringBuilder();
    private final StringBuilder body = new StringBuilder(1 << 16);
    private final Map<String, String> clipIds = new HashMap<>();
    private final StringBuilder scratch = new StringBuilder(256);

    /**
     * Consecutive stroked paths with identical attributes (XChart draws a line series segment by
     * segment) are merged into one path element: the figure looks the same and its SVG shrinks
     * several-fold. Holds the merged path data, its attributes and the pen position after it.
     */
    private final StringBuilder pendingD = new StringBuilder(1 << 12);

    private String pendingAttributes;
    private String pendingEnd = "";

    private SvgWriter(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    static String write(String idPrefix, Iterable<Command<?>> commands, int width, int height) {
        SvgWriter w = new SvgWriter(idPrefix);
        w.run(commands);
        w.flush();
        StringBuilder out = new StringBuilder(w.body.length() + w.defs.length() + 512);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\">\n");
        if (w.defs.length() > 0) {
            out.append("<defs>\n").append(w.defs).append("</defs>\n");
        }
        out.append(w.body).append("</svg>\n");
        return out.toString();
    }

    private void run(Iterable<Command<?>> commands) {
        Deque<State> stack = new ArrayDeque<>();
        State s = new State();
        for (Command<?> c : commands) {
            if (c instanceof CreateCommand) {
                stack.push(s);
                s = s.copy();
            } else if (c instanceof DisposeCommand) {
                if (!stack.isEmpty()) {
                    s = stack.pop();
                }
            } else if (c instanceof SetColorCommand sc) {
                s.color = sc.getValue();
            } else if (c instanceof SetPaintCommand sp) {
                Paint p = sp.getValue();
                if (p instanceof Color color) {
                    s.color = color;
                }
            } else if (c instanceof SetCompositeCommand comp) {
                Composite composite = comp.getValue();
                s.alpha = composite instanceof AlphaComposite ac ? ac.getAlpha() : 1f;
            } else if (c instanceof SetStrokeCommand st) {
                s.stroke = st.getValue();
            } else if (c instanceof SetTransformCommand t) {
                s.transform = new AffineTransform(t.getValue());
            } else if (c instanceof AffineTransformCommand t) {
                s.transform.concatenate(t.getValue());
            } else if (c instanceof SetClipCommand clip) {
                Shape user = clip.getValue();
                s.clip = user == null ? null : s.transform.createTransformedShape(user);
                s.clipId = s.clip == null ? null : clipId(s.clip);
            } else if (c instanceof FillShapeCommand f) {
                shape(f.getValue(), s, true);
            } else if (c instanceof DrawShapeCommand d) {
                shape(d.getValue(), s, false);
            } else if (c instanceof DrawStringCommand ds) {
                text(ds, s);
            } else if (c instanceof DrawImageCommand) {
                throw new IllegalStateException("SvgWriter does not support images in figures");
            }
        }
    }

    private String clipId(Shape deviceClip) {
        String d = pathData(deviceClip, null);
        return clipIds.computeIfAbsent(
                d,
                k -> {
                    String id = idPrefix + "-c" + (clipIds.size() + 1);
                    defs.append("<clipPath id=\"")
                            .append(id)
                            .append("\"><path d=\"")
                            .append(k)
                            .append("\"/></clipPath>\n");
                    return id;
                });
    }

    private void shape(Shape shape, State s, boolean fill) {
        String d = pathData(shape, s.transform);
        if (d.isEmpty()) {
            return;
        }
        StringBuilder attributes = new StringBuilder(96);
        int a = Math.round(s.color.getAlpha() * s.alpha);
        if (fill) {
            attributes.append(" fill=\"").append(hex(s.color)).append('"');
            if (a < 255) {
                attributes.append(" fill-opacity=\"").append(num(a / 255.0)).append('"');
            }
            if (shape.getPathIterator(null).getWindingRule() == PathIterator.WIND_EVEN_ODD) {
                attributes.append(" fill-rule=\"evenodd\"");
            }
        } else {
            attributes.append(" fill=\"none\" stroke=\"").append(hex(s.color)).append('"');
            if (a < 255) {
                attributes.append(" stroke-opacity=\"").append(num(a / 255.0)).append('"');
            }
            strokeAttributes(attributes, s);
        }
        if (s.clipId != null) {
            attributes.append(" clip-path=\"url(#").append(s.clipId).append(")\"");
        }
        String attrs = attributes.toString();
        if (fill) {
            flush();
            body.append("<path d=\"").append(d).append('"').append(attrs).append("/>\n");
            return;
        }
        if (!attrs.equals(pendingAttributes)) {
            flush();
            pendingAttributes = attrs;
        }
        String start = "M" + pendingEnd;
        boolean continues =
                pendingD.length() > 0
                        && d.startsWith(start)
                        && d.length() > start.length()
                        && d.charAt(start.length()) == 'L';
        pendingD.append(continues ? d.substring(start.length()) : d);
        int last = Math.max(d.lastIndexOf('L'), d.lastIndexOf('M'));
        pendingEnd =
                last >= 0
                                && d.indexOf('Z', last) < 0
                                && d.indexOf('Q', last) < 0
                                && d.indexOf('C', last) < 0
                        ? d.substring(last + 1)
                        : "\u0000";
    }

    /** Writes the merged stroked path, if any. */
    private void flush() {
        if (pendingD.length() > 0) {
            body.append("<path d=\"")
                    .append(pendingD)
                    .append('"')
                    .append(pendingAttributes)
                    .append("/>\n");
        }
        pendingD.setLength(0);
        pendingAttributes = null;
        pendingEnd = "";
    }

    private static void strokeAttributes(StringBuilder body, State s) {
        double scale = Math.sqrt(Math.abs(s.transform.getDeterminant()));
        if (!(s.stroke instanceof BasicStroke bs)) {
            body.append(" stroke-width=\"").append(num(scale)).append('"');
            return;
        }
        body.append(" stroke-width=\"").append(num(bs.getLineWidth() * scale)).append('"');
        switch (bs.getEndCap()) {
            case BasicStroke.CAP_ROUND -> body.append(" stroke-linecap=\"round\"");
            case BasicStroke.CAP_SQUARE -> body.append(" stroke-linecap=\"square\"");
            default -> {}
        }
        switch (bs.getLineJoin()) {
            case BasicStroke.JOIN_ROUND -> body.append(" stroke-linejoin=\"round\"");
            case BasicStroke.JOIN_BEVEL -> body.append(" stroke-linejoin=\"bevel\"");
            default -> {}
        }
        float[] dash = bs.getDashArray();
        if (dash != null && dash.length > 0) {
            body.append(" stroke-dasharray=\"");
            for (int i = 0; i < dash.length; i++) {
                body.append(i == 0 ? "" : ",").append(num(dash[i] * scale));
            }
            body.append('"');
            if (bs.getDashPhase() != 0) {
                body.append(" stroke-dashoffset=\"")
                        .append(num(bs.getDashPhase() * scale))
                        .append('"');
            }
        }
    }

    private void text(DrawStringCommand ds, State s) {
        flush();
        double[] p = {ds.getX(), ds.getY()};
        s.transform.transform(p, 0, p, 0, 1);
        body.append("<text x=\"")
                .append(num(p[0]))
                .append("\" y=\"")
                .append(num(p[1]))
                .append("\" fill=\"")
                .append(hex(s.color))
                .append("\" font-family=\"sans-serif\" font-size=\"11\">")
                .append(Html.escape(ds.getValue()))
                .append("</text>\n");
    }

    private String pathData(Shape shape, AffineTransform at) {
        StringBuilder sb = scratch;
        sb.setLength(0);
        double[] c = new double[6];
        for (PathIterator it = shape.getPathIterator(at); !it.isDone(); it.next()) {
            switch (it.currentSegment(c)) {
                case PathIterator.SEG_MOVETO -> point(sb.append('M'), c, 0);
                case PathIterator.SEG_LINETO -> point(sb.append('L'), c, 0);
                case PathIterator.SEG_QUADTO ->
                        point(point(sb.append('Q'), c, 0).append(' '), c, 2);
                case PathIterator.SEG_CUBICTO ->
                        point(
                                point(point(sb.append('C'), c, 0).append(' '), c, 2).append(' '),
                                c,
                                4);
                case PathIterator.SEG_CLOSE -> sb.append('Z');
                default -> throw new IllegalStateException("unknown path segment");
            }
        }
        return sb.toString();
    }

    private static StringBuilder point(StringBuilder sb, double[] c, int i) {
        appendNum(sb, c[i]);
        sb.append(',');
        appendNum(sb, c[i + 1]);
        return sb;
    }

    static String num(double v) {
        StringBuilder sb = new StringBuilder(12);
        appendNum(sb, v);
        return sb.toString();
    }

    /** Appends v rounded to 0.01 without trailing zeros ("12.5", "-3", "0.07"). */
    static void appendNum(StringBuilder sb, double v) {
        long hundredths = Math.round(v * 100);
        if (hundredths < 0) {
            sb.append('-');
            hundredths = -hundredths;
        }
        sb.append(hundredths / 100);
        int frac = (int) (hundredths % 100);
        if (frac != 0) {
            sb.append('.');
            if (frac < 10) {
                sb.append('0').append(frac);
            } else if (frac % 10 == 0) {
                sb.append(frac / 10);
            } else {
                sb.append(frac);
            }
        }
    }

    private static String hex(Color c) {
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }
}
