package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The complete example at the top of docs/grid-format.md parses and expands as the text says. */
class GridFormatDocTest {

    @Test
    void completeExampleParsesToTheCellCountsItStates() throws Exception {
        Path doc =
                Files.isRegularFile(Path.of("../docs/grid-format.md"))
                        ? Path.of("../docs/grid-format.md")
                        : Path.of("docs/grid-format.md");
        String text = Files.readString(doc);
        int start = text.indexOf("```yaml\n");
        assertTrue(start >= 0, "docs/grid-format.md lost its yaml example");
        String yaml = text.substring(start + "```yaml\n".length(), text.indexOf("```", start + 8));

        Grid grid = GridParser.parse("my-study.yaml", yaml, TestVocabulary.VOCABULARY);

        assertEquals(90, grid.cells().stream().filter(c -> c.kind() == CellKind.TRAIN).count());
        assertEquals(
                36, grid.cells().stream().filter(c -> c.kind() == CellKind.THROUGHPUT).count());
    }
}
