package org.normbench.analysis.html;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void escapeNeutralisesTagsAttributesAndEntities() {
        assertEquals(
                "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;q&#39;",
                Html.escape("<img src=x onerror=\"alert(1)\"> & 'q'"));
    }

    @Test
    void escapeReplacesControlCharacters() {
        assertEquals("a&#xFFFD;b\nc", Html.escape("a\u0001b\nc"));
    }

    @Test
    void latexEscapesEverySpecialCharacter() {
        assertEquals(
                "run\\_1 \\& 50\\% \\$x\\$ \\#\\{\\} \\textasciitilde{}\\textasciicircum{}\\textbackslash{}",
                Html.latex("run_1 & 50% $x$ #{} ~^\\"));
    }
}
