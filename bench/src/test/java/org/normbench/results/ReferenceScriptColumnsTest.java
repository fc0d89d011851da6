package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch-eager side of {@code make bench-compare} ({@code
 * bench/reference/pytorch_resnet18.py}) writes its cells into a normbench run, so its column lists
 * must be the results format's: with an older list, the DJL side's second pass refused the run as
 * written "by another normbench version" (found by gpu-checks.sh's dry run). Python cannot import
 * the Java schema, so this reads the script's lists as text.
 */
class ReferenceScriptColumnsTest {
    private static final Path SCRIPT = Path.of("reference/pytorch_resnet18.py");

    /** The quoted names of the Python list that follows {@code start} in the script. */
    private static List<String> pythonList(String script, String start) {
        int at = script.indexOf(start);
        assertTrue(at >= 0, "pytorch_resnet18.py has no " + start);
        int open = script.indexOf('[', at);
        int close = script.indexOf(']', open);
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"([a-z0-9_]+)\"").matcher(script.substring(open, close));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void thePyTorchSideWritesTheColumnsOfTheResultsFormat() throws Exception {
        String script = Files.readString(SCRIPT);
        assertEquals(ResultsSchema.CELL_COLUMNS, pythonList(script, "CELL_COLUMNS = "));
        assertEquals(ResultsSchema.CURVE_COLUMNS, pythonList(script, "\"curves.csv\": "));
        assertEquals(ResultsSchema.ACTIVATION_COLUMNS, pythonList(script, "\"activations.csv\": "));
        assertEquals(ResultsSchema.HISTOGRAM_COLUMNS, pythonList(script, "\"histograms.csv\": "));
    }
}
