package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of malformed grids under {@code src/test/resources/grids/malformed}: each {@code
 * <name>.yaml} (read as bytes, so binary and non-UTF-8 files are in the corpus too) must be
 * rejected with exactly the message in {@code <name>.expected} (every problem, one per line, in
 * file order). The count rejected as expected is the "malformed grid files rejected" figure of
 * docs/reliability.md.
 */
class MalformedGridsTest {

    static final String FIGURE = "malformed grid files rejected";

    static Path corpus() throws URISyntaxException {
        return Path.of(MalformedGridsTest.class.getResource("/grids/malformed").toURI());
    }

    static Stream<String> malformedGrids() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(corpus())) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .sorted()
                    .collect(Collectors.toList())
                    .stream();
        }
    }

    private static String expected(String fileName) throws Exception {
        Path expectedFile = corpus().resolve(fileName.replace(".yaml", ".expected"));
        assertTrue(
                Files.exists(expectedFile),
                "every malformed grid needs its .expected file: " + expectedFile);
        return Files.readString(expectedFile, StandardCharsets.UTF_8).strip();
    }

    private static GridException rejection(String fileName) throws Exception {
        byte[] grid = Files.readAllBytes(corpus().resolve(fileName));
        return assertThrows(
                GridException.class,
                () -> GridParser.parse(fileName, grid, TestVocabulary.VOCABULARY));
    }

    @ParameterizedTest
    @MethodSource("malformedGrids")
    void rejectsWithTheExactExpectedMessage(String fileName) throws Exception {
        String expected = expected(fileName);
        GridException e = rejection(fileName);

        assertEquals(expected, e.getMessage());
        assertEquals(expected.lines().count(), e.problems().size(), "one problem per message line");
    }

    @Test
    void everyGridOfTheCorpusIsRejectedAsExpectedAndTheCountIsRecorded() throws Exception {
        List<String> names = malformedGrids().collect(Collectors.toList());
        int rejectedAsExpected = 0;
        for (String name : names) {
            if (!Files.exists(corpus().resolve(name.replace(".yaml", ".expected")))) {
                continue;
            }
            try {
                GridParser.parse(
                        name,
                        Files.readAllBytes(corpus().resolve(name)),
                        TestVocabulary.VOCABULARY);
            } catch (GridException e) {
                if (e.getMessage().equals(expected(name))) {
                    rejectedAsExpected++;
                }
            }
        }
        ReliabilityFigure.write(FIGURE, rejectedAsExpected);
        assertEquals(
                names.size(),
                rejectedAsExpected,
                "grids of the corpus not rejected with their expected message");
        assertTrue(names.size() >= 60, "only " + names.size() + " malformed grids");
    }
}
