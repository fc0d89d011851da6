package org.normbench.analysis.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import java.awt.Color;
import java.awt.Graphics2D;
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
    assertTrue(svg.contains("<clipPath id=\"F9-c1\"><path d=\"M100,10L150,10L150,60L100,60L100,10Z\"/></clipPath>"), svg);
    assertTrue(svg.contains("<path d=\"M101,12L104,12L104,16L101,16L101,12Z\" fill=\"#ff0000\" fill-opacity=\"0.5\" "
        + "clip-path=\"url(#F9-c1)\"/>"), svg);
    // After dispose the translation and clip are gone again.
    assertTrue(svg.contains("<path d=\"M0,0L1,0L1,1L0,1L0,0Z\" fill=\"none\" stroke=\"#0000ff\" stroke-width=\"1\"/>"), svg);
  }
}
