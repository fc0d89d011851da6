package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code normbench compare} on the committed cpu-smoke reference run: against itself every train
 * cell is bit-for-bit; against a copy with one accuracy changed and another CPU in its manifest,
 * that cell differs and the CPU is named.
 */
class RunComparisonTest {
    private static final Path REFERENCE = Path.of("..", "reports", "runs", "cpu-smoke-reference");

    @TempDir Path tmp;

    @Test
    void aRunReproducesItselfBitForBit() throws Exception {
        RunComparison.Result r = RunComparison.compare(REFERENCE, REFERENCE);
        assertEquals(24, r.count(RunComparison.Verdict.BIT_FOR_BIT));
        assertEquals(
                4, r.count(RunComparison.Verdict.NOT_COMPARABLE), "throughput cells are timings");
        assertTrue(r.reproduced());
        assertEquals(List.of(), r.facts());
    }

    @Test
    void aChangedCellDiffersAndTheDifferingCpuIsNamed() throws Exception {
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        for (String f : List.of("cells.csv", "curves.csv", "manifest.json")) {
            Files.copy(REFERENCE.resolve(f), copy.resolve(f));
        }
        List<String> lines = Files.readAllLines(copy.resolve("cells.csv"));
        int row = 0;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).startsWith("train-bn-relu-bs32-")) {
                row = i;
            }
        }
        String original = lines.get(row);
        lines.set(row, original.replace(",0.56,", ",0.516,"));
        assertTrue(
                !original.equals(lines.get(row)),
                "the reference row has test_accuracy 0.56: " + original);
        Files.write(copy.resolve("cells.csv"), lines);
        Files.writeString(
                copy.resolve("manifest.json"),
                Files.readString(copy.resolve("manifest.json"))
                        .replace("\"AMD EPYC\"", "\"Intel(R) Xeon(R) Processor\""));

        RunComparison.Result r = RunComparison.compare(REFERENCE, copy);
        assertEquals(1, r.count(RunComparison.Verdict.DIFFER));
        RunComparison.CellDiff d =
                r.cells().stream()
                        .filter(c -> c.verdict() == RunComparison.Verdict.DIFFER)
                        .findFirst()
                        .orElseThrow();
        assertTrue(d.cellId().startsWith("train-bn-relu-bs32-"), d.toString());
        assertEquals(-0.044, d.accB() - d.accA(), 1e-9);
        assertEquals(
                List.of(
                        new RunComparison.FactDiff(
                                "CPU model", "AMD EPYC", "Intel(R) Xeon(R) Processor")),
                r.facts());
        String text = RunComparison.render(r);
        assertTrue(
                text.contains("-0.0440")
                        && text.contains("CPU model")
                        && text.contains("does not reproduce"),
                text);
        try (Stream<String> s = text.lines()) {
            assertEquals(
                    1,
                    s.filter(l -> l.endsWith("differ (one seed per run: no spread to judge by)"))
                            .count(),
                    text);
        }
    }
}
