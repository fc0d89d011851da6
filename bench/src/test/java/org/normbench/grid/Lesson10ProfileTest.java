package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code lesson10} profile is fast.ai notebook 07's protocol, as its grid file says.
 */
class Lesson10ProfileTest {

    @Test
    void lesson10IsTheLessonCnnAtAFixedLrOf04AtBatch2And32WithThreeSeedsAndHooks()
            throws Exception {
        Profiles.Choice choice = Profiles.resolve("lesson10", 0);
        assertEquals(Path.of("bench", "grids", "lesson10.yaml"), choice.gridFile());
        Grid grid = ShippedGridsTest.parse("lesson10.yaml");
        List<CellSpec> cells = grid.cells();

        assertEquals(3 * 4 * 2 * 2, cells.size());
        assertTrue(cells.stream().allMatch(c -> c.kind() == CellKind.TRAIN));
        assertEquals(
                Set.of(0L, 1L, 2L), cells.stream().map(CellSpec::seed).collect(Collectors.toSet()));
        assertEquals(
                Set.of(2, 32), cells.stream().map(CellSpec::batchSize).collect(Collectors.toSet()));
        assertEquals(
                new TreeSet<>(List.of("bn", "gn", "ln", "rbn")),
                cells.stream().map(CellSpec::norm).collect(Collectors.toCollection(TreeSet::new)));
        for (CellSpec c : cells) {
            assertEquals("lesson_cnn", c.model(), c.cellId());
            assertEquals("fashion-mnist", c.dataset());
            assertEquals(LrRule.Protocol.FIXED, c.lr().protocol());
            assertEquals(0.4, c.scaledLr(), 0, c.cellId());
            assertEquals("constant", c.lr().schedule());
            assertEquals(0.0, c.lr().warmupFraction());
            assertEquals(new OptimizerSettings(0, 0), c.optimizer(), "the notebook's plain SGD");
            assertEquals(Budget.epochs(1), c.budget());
            assertTrue(c.hooks().enabled());
        }
    }
}
