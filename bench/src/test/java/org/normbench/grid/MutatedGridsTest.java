package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random edits of the shipped grids (lines dropped, duplicated, re-indented, values replaced
 * by junk) must each parse or fail with located problems: never another exception, never a problem
 * pointing outside the file. Catches the null and cast slips a hand-written corpus misses.
 */
class MutatedGridsTest {

    private static final String[] JUNK = {
        "",
        "[]",
        "{}",
        "-1",
        "0",
        "x",
        "0x1F",
        ".nan",
        "-.inf",
        "[1, [2]]",
        "~",
        "null",
        "{name: gn, groups: [1]}",
        "[bn, bn]",
        "'*'",
        "1e400",
        "99999999999999999999",
        "yes",
        "[gn, {name: }]",
        "&a [1]",
        "!!binary AA=="
    };

    @Test
    void everyMutationParsesOrReportsLocatedProblems() throws Exception {
        Random random = new Random(20261125);
        int rejected = 0;
        int trials = 0;
        for (String file : List.of("cpu-smoke.yaml", "full.yaml", "examples/norm-options.yaml")) {
            List<String> lines = Files.readAllLines(ShippedGridsTest.gridsDir().resolve(file));
            for (int i = 0; i < 100; i++) {
                List<String> mutated = mutate(new ArrayList<>(lines), random);
                String yaml = String.join("\n", mutated) + "\n";
                trials++;
                try {
                    GridParser.parse("m.yaml", yaml, TestVocabulary.VOCABULARY);
                } catch (GridException e) {
                    rejected++;
                    assertFalse(e.problems().isEmpty());
                    for (GridProblem p : e.problems()) {
                        assertTrue(
                                p.line() >= 1 && p.line() <= mutated.size() + 1 && p.column() >= 1,
                                p + "\n--- grid:\n" + yaml);
                    }
                } catch (RuntimeException e) {
                    fail(
                            "mutation "
                                    + i
                                    + " of "
                                    + file
                                    + " threw "
                                    + e
                                    + "\n--- grid:\n"
                                    + yaml,
                            e);
                }
            }
        }
        assertTrue(
                rejected > trials / 2,
                "mutations should mostly break the grid: " + rejected + "/" + trials);
    }

    private static List<String> mutate(List<String> lines, Random random) {
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(4)) {
                case 0:
                    lines.remove(at);
                    break;
                case 1:
                    lines.add(at, line);
                    break;
                case 2:
                    lines.set(at, line.startsWith("  ") ? line.substring(2) : "  " + line);
                    break;
                default:
                    int colon = line.indexOf(": ");
                    String junk = JUNK[random.nextInt(JUNK.length)];
                    lines.set(
                            at,
                            colon >= 0 ? line.substring(0, colon + 2) + junk : line + " " + junk);
                    break;
            }
        }
        return lines;
    }
}
