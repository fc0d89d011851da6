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
 * The corpus of malformed grids under {@code src/test/resources/grids/malformed}: each
 * {@code <name>.yaml} must be rejected with exactly the message in {@code <name>.expected}
 * (every problem, one per line, in file order).
 */
class MalformedGridsTest {

    static Path corpus() throws URISyntaxException {
        return Path.of(MalformedGridsTest.class.getResource("/grids/malformed").toURI());
    }

    static Stream<String> malformedGrids() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(corpus())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
                    .collect(Collectors.toList()).stream();
        }
    }

    @ParameterizedTest
    @MethodSource("malformedGrids")
    void rejectsWithTheExactExpectedMessage(String fileName) throws Exception {
        Path grid = corpus().resolve(fileName);
        Path expectedFile = corpus().resolve(fileName.replace(".yaml", ".expected"));
        assertTrue(Files.exists(expectedFile), "every malformed grid needs its .expected file: " + expectedFile);
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8).strip();

        GridException e = assertThrows(GridException.class,
                () -> GridParser.parse(fileName, Files.readString(grid, StandardCharsets.UTF_8), TestVocabulary.VOCABULARY));

        assertEquals(expected, e.getMessage());
        assertEquals(expected.lines().count(), e.problems().size(), "one problem per message line");
    }

    @Test
    void corpusHoldsAtLeastTwentyMalformedGrids() throws Exception {
        List<String> names = malformedGrids().collect(Collectors.toList());
        assertTrue(names.size() >= 20, "only " + names.size() + " malformed grids");
    }
}
