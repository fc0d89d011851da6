package org.normbench.grid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes one row of docs/reliability.md's figures table as {@code target/reliability/<slug>.tsv}
 * ({@code figure<TAB>value}), measured by the test that proves it, for the table's assembler.
 */
final class ReliabilityFigure {
    private ReliabilityFigure() {}

    static void write(String figure, long value) throws IOException {
        Path dir = Path.of("target", "reliability");
        Files.createDirectories(dir);
        String slug = figure.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        Files.writeString(
                dir.resolve(slug + ".tsv"), figure + "\t" + value + "\n", StandardCharsets.UTF_8);
    }
}
