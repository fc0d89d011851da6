package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/results-format.md's cells.csv table says exactly what the cell outcome record declares: the
 * same columns in the same order, each with the record's type and doc line.
 */
class CellOutcomeDocTest {

    @Test
    void theCellsTableOfTheResultsFormatIsTheRecordsColumnList() throws Exception {
        Path doc =
                Files.isRegularFile(Path.of("../docs/results-format.md"))
                        ? Path.of("../docs/results-format.md")
                        : Path.of("docs/results-format.md");
        String text = Files.readString(doc);
        int start = text.indexOf("## cells.csv");
        assertTrue(start >= 0, "docs/results-format.md lost its cells.csv section");
        int end = text.indexOf("\n## ", start + 1);
        List<String> documented = new ArrayList<>();
        for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
            if (line.startsWith("| `")) {
                documented.add(line);
            }
        }
        List<String> declared = new ArrayList<>();
        for (CellOutcome.Column<?> c : CellOutcome.COLUMNS) {
            declared.add("| `" + c.name() + "` | " + c.type().doc() + " | " + c.doc() + " |");
        }
        assertEquals(String.join("\n", declared), String.join("\n", documented));
        assertEquals(CellOutcome.header(), ResultsSchema.CELL_COLUMNS);
    }
}
