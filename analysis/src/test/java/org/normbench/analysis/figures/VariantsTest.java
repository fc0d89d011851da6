package org.normbench.analysis.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.report.ReportGenerator;
import org.normbench.analysis.synth.SyntheticRun;

/**
 * analysis knows the study's norm names for display only: a norm or activation it has never heard
 * of (a bench plug-in) is ordered, labelled, coloured and drawn like the others.
 */
class VariantsTest {
    @TempDir Path runs;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void unknownNamesComeAfterTheStudysInNameOrder() {
        assertEquals(
                List.of("bn", "rbn", "brn", "zz"),
                Variants.orderNorms(List.of("zz", "rbn", "brn", "bn")));
        assertEquals(
                List.of("relu", "leaky_relu", "gelu"),
                Variants.orderActivations(List.of("gelu", "leaky_relu", "relu")));
        assertEquals("brn + gelu", Variants.variantLabel("brn", "gelu"));
    }

    @Test
    void eachStudyNormHasItsOwnColourAndAPlugInAStableOtherOne() {
        Set<Color> study = new HashSet<>();
        for (String norm : Variants.STUDY_NORMS) {
            study.add(Theme.normColor(norm));
        }
        assertEquals(Variants.STUDY_NORMS.size(), study.size(), "one colour per study norm");
        Color brn = Theme.normColor("brn");
        assertFalse(study.contains(brn), "a plug-in norm never takes a study norm's colour");
        assertEquals(brn, Theme.normColor(new String("brn")), "same name, same colour");
    }

    private List<String> renderedFigures(String id, List<String> norms, List<String> acts)
            throws IOException {
        Path dir =
                SyntheticRun.write(
                        runs,
                        new SyntheticRun.Spec(
                                id,
                                List.of(2, 8),
                                norms,
                                acts,
                                1,
                                20,
                                1,
                                10,
                                2,
                                8,
                                false,
                                false,
                                false));
        List<String> rendered = new ArrayList<>();
        for (Figure f : ReportGenerator.generate(dir, dir.resolve("report"), "now").figures()) {
            if (f.isRendered()) {
                rendered.add(f.fileStem());
            }
        }
        return rendered;
    }

    @Test
    void aRunWithAPlugInNormAndActivationRendersTheSameFiguresAsTheStudys() throws IOException {
        List<String> study =
                renderedFigures("study", List.of("bn", "gn"), List.of("relu", "leaky_relu"));
        List<String> plugIn =
                renderedFigures("plug-in", List.of("bn", "brn"), List.of("relu", "gelu"));
        assertFalse(study.isEmpty());
        assertEquals(study, plugIn);
    }
}
