package org.normbench.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.results.ResultsSchema;

/**
 * docs/results-format.md's activations.csv table says exactly what the statistics record declares:
 * the same columns in the same order, each with the record's type, unit and doc line.
 */
class ActivationRowDocTest {

    @Test
    void theActivationsTableOfTheResultsFormatIsTheRecordsColumnList() throws Exception {
        Path doc =
                Files.isRegularFile(Path.of("../docs/results-format.md"))
                        ? Path.of("../docs/results-format.md")
                        : Path.of("docs/results-format.md");
        String text = Files.readString(doc);
        int start = text.indexOf("## activations.csv");
        assertTrue(start >= 0, "docs/results-format.md lost its activations.csv section");
        int end = text.indexOf("\n## ", start + 1);
        List<String> documented = new ArrayList<>();
        for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
            if (line.startsWith("| `")) {
                documented.add(line);
            }
        }
        List<String> declared = new ArrayList<>();
        declared.add("| `cell_id` | string | - | |");
        for (ActivationRow.Column c : ActivationRow.COLUMNS) {
            declared.add(
                    "| `"
                            + c.name()
                            + "` | "
                            + c.type().csv()
                            + " | "
                            + c.unit()
                            + " | "
                            + c.doc()
                            + " |");
        }
        assertEquals(String.join("\n", declared), String.join("\n", documented));
        assertEquals(ActivationRow.header(), ResultsSchema.ACTIVATION_COLUMNS);
    }
}
