package org.normbench.grid;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The layer-selection syntax of {@code hooks.layers}: comma-separated exact names or globs ({@code
 * *} any run of characters, {@code ?} one character), e.g. {@code stem,layer4.*}. One definition
 * for the grid check and for the hooks that attach to the model. Not a probe registry.
 */
public final class LayerPattern {
    private LayerPattern() {}

    /** The patterns of a comma-separated list, trimmed, blanks dropped, in order. */
    public static List<String> parts(String patterns) {
        List<String> out = new ArrayList<>();
        for (String part : patterns.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** A glob as a regular expression over the whole name. */
    public static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /**
     * The patterns of {@code patterns} that match none of {@code names} (all of them when there are
     * no patterns).
     */
    static List<String> unmatched(String patterns, List<String> names) {
        List<String> parts = parts(patterns);
        if (parts.isEmpty()) {
            return List.of(patterns);
        }
        List<String> out = new ArrayList<>();
        for (String part : parts) {
            Pattern p = glob(part);
            if (names.stream().noneMatch(n -> p.matcher(n).matches())) {
                out.add(part);
            }
        }
        return out;
    }
}
