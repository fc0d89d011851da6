package org.normbench.analysis.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import org.junit.jupiter.api.Test;

class SvgWriterTest {
    @Test
    void numbersAreRoundedToHundredthsWithoutTrailingZeros() {
        assertEquals("12.5", SvgWriter.num(12.5));
        assertEquals("-3", SvgWriter.num(-3.0001));
        assertEquals("0.07", SvgWriter.num(0.0712));
        assertEquals("1.01", SvgWriter.num(1.005 + 1e-9));
        assertEquals("0", SvgWriter.num(-0.001));
    }

    @Test
    void transformsClipsAndColoursBecomeDeviceSpacePathsWithPrefixedClipIds() {
        VectorGraphics2D g = new VectorGraphics2D();
        Graphics2D panel = (Graphics2D) g.create();
        panel.translate(100, 10);
        panel.setClip(0, 0, 50, 50);
        panel.setColor(new Color(255, 0, 0, 128));
        panel.fill(new Rectangle2D.Double(1, 2, 3, 4));
        panel.dispose();
        g.setColor(Color.BLUE);
        g.draw(new Rectangle2D.Double(0, 0, 1, 1));
        String svg = SvgWriter.write("F9", g.getCommands(), 200, 100);
        assertTrue(
                svg.contains(
                        "<clipPath id=\"F9-c1\"><path d=\"M100,10L150,10L150,60L100,60L100,10Z\"/></clipPath>"),
                svg);
        assertTrue(
                svg.contains(
                        "<path d=\"M101,12L104,12L104,16L101,16L101,12Z\" fill=\"#ff0000\" fill-opacity=\"0.5\" "
                                + "clip-path=\"url(#F9-c1)\"/>"),
                svg);
        // After dispose the translation and clip are gone again.
        assertTrue(
                svg.contains(
                        "<path d=\"M0,0L1,0L1,1L0,1L0,0Z\" fill=\"none\" stroke=\"#0000ff\" stroke-width=\"1\"/>"),
                svg);
    }

    @Test
    void consecutiveSegmentsWithTheSameStrokeBecomeOnePathAndOtherShapesKeepTheirOrder() {
        VectorGraphics2D g = new VectorGraphics2D();
        g.setColor(Color.BLUE);
        g.draw(new Line2D.Double(0, 0, 10, 0));
        g.draw(new Line2D.Double(10, 0, 10, 10));
        g.draw(new Line2D.Double(20, 20, 30, 30));
        g.setColor(Color.RED);
        g.draw(new Line2D.Double(30, 30, 40, 40));
        g.fill(new Rectangle2D.Double(0, 0, 1, 1));
        g.draw(new Line2D.Double(40, 40, 50, 50));
        String svg = SvgWriter.write("F9", g.getCommands(), 100, 100);
        String blue = "<path d=\"M0,0L10,0L10,10M20,20L30,30\" fill=\"none\" stroke=\"#0000ff\"";
        String red = "<path d=\"M30,30L40,40\" fill=\"none\" stroke=\"#ff0000\"";
        String fill = "<path d=\"M0,0L1,0L1,1L0,1L0,0Z\" fill=\"#ff0000\"/>";
        String redAfterFill = "<path d=\"M40,40L50,50\" fill=\"none\" stroke=\"#ff0000\"";
        assertTrue(svg.contains(blue), svg);
        assertTrue(
                svg.indexOf(blue) < svg.indexOf(red)
                        && svg.indexOf(red) < svg.indexOf(fill)
                        && svg.indexOf(fill) < svg.indexOf(redAfterFill),
                svg);
    }
}
