package org.normbench.grid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed reads from a composed SnakeYAML node tree that record a located {@link GridProblem} for
 * every bad value instead of stopping at the first. Each read returns {@code null} when the value
 * is bad (the problem is already recorded), so the caller keeps going and reports everything.
 */
final class YamlReader {

    /** A node and its field path, e.g. {@code train.norms[2]}. */
    record Located(Node node, String path, Node keyNode) {
        Located(Node node, String path) {
            this(node, path, null);
        }

        Located child(Node key, String name, Node value) {
            return new Located(value, path.isEmpty() ? name : path + "." + name, key);
        }

        /**
         * Where to point for a problem about the whole entry, e.g. a missing child key: its key if
         * any.
         */
        Node anchor() {
            return keyNode != null ? keyNode : node;
        }
    }

    /** YAML's spellings of infinity and not-a-number, which Java's parser does not read. */
    private static final Pattern NON_FINITE =
            Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    private static final Pattern DECIMAL_INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");

    private final String file;
    private final Set<GridProblem> problems = new LinkedHashSet<>();

    YamlReader(String file) {
        this.file = file;
    }

    List<GridProblem> problems() {
        List<GridProblem> sorted = new ArrayList<>(problems);
        sorted.sort(GridProblem.IN_FILE_ORDER);
        return sorted;
    }

    void problem(Node at, String field, String message) {
        problems.add(
                new GridProblem(
                        file,
                        at.getStartMark().getLine() + 1,
                        at.getStartMark().getColumn() + 1,
                        field,
                        message));
    }

    void problem(Located at, String message) {
        problem(at.node(), at.path(), message);
    }

    void problemAtStart(String message) {
        problems.add(new GridProblem(file, 1, 1, "", message));
    }

    /**
     * The entries of a mapping by key, in file order. Duplicate keys, non-name keys and keys not in
     * {@code allowed} are reported; {@code misplaced} may explain a known key that belongs
     * elsewhere (returning null falls back to "unknown key").
     */
    Map<String, Located> mapping(
            Located at, Collection<String> allowed, Function<String, String> misplaced) {
        if (!(at.node() instanceof MappingNode)) {
            problem(at, "expected a mapping (key: value lines), got " + describe(at.node()));
            return null;
        }
        Map<String, Located> out = new LinkedHashMap<>();
        Map<String, Node> firstKeys = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) at.node()).getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode) || isNull(keyNode)) {
                problem(keyNode, at.path(), "keys must be plain names, got " + describe(keyNode));
                continue;
            }
            String key = ((ScalarNode) keyNode).getValue();
            Located value = at.child(keyNode, key, tuple.getValueNode());
            Node first = firstKeys.putIfAbsent(key, keyNode);
            if (first != null) {
                problem(
                        keyNode,
                        value.path(),
                        "duplicate key (first at line "
                                + (first.getStartMark().getLine() + 1)
                                + ")");
                continue;
            }
            if (!allowed.contains(key)) {
                String hint = misplaced.apply(key);
                problem(keyNode, value.path(), hint != null ? hint : unknownKey(key, allowed));
                continue;
            }
            out.put(key, value);
        }
        return out;
    }

    /** The elements of a non-empty list, each with its indexed path. */
    List<Located> list(Located at, String emptyHint) {
        if (!(at.node() instanceof SequenceNode)) {
            String hint =
                    at.node() instanceof ScalarNode && !isNull(at.node())
                            ? " (write [" + ((ScalarNode) at.node()).getValue() + "])"
                            : "";
            problem(at, "expected a list, got " + describe(at.node()) + hint);
            return null;
        }
        List<Node> items = ((SequenceNode) at.node()).getValue();
        if (items.isEmpty()) {
            problem(at, "empty list; " + emptyHint);
            return null;
        }
        List<Located> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(new Located(items.get(i), at.path() + "[" + i + "]"));
        }
        return out;
    }

    /** A non-empty scalar as text (numbers and booleans as written). */
    String text(Located at) {
        if (!(at.node() instanceof ScalarNode) || isNull(at.node())) {
            problem(at, "expected a name, got " + describe(at.node()));
            return null;
        }
        String value = ((ScalarNode) at.node()).getValue();
        if (value.isBlank()) {
            problem(at, "expected a name, got an empty string");
            return null;
        }
        return value;
    }

    /** A decimal integer in [min, max]. */
    Long integer(Located at, long min, long max) {
        ScalarNode scalar = scalar(at, "an integer");
        if (scalar == null) {
            return null;
        }
        String raw = scalar.getValue();
        if (!Tag.INT.equals(scalar.getTag())) {
            problem(at, "expected an integer, got " + describe(scalar));
            return null;
        }
        if (!DECIMAL_INT.matcher(raw).matches()) {
            problem(at, "expected a decimal integer, got '" + raw + "'");
            return null;
        }
        long value;
        try {
            value = Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            problem(
                    at,
                    (raw.startsWith("-") ? "must be >= " + min : "must be <= " + max)
                            + ", got "
                            + raw);
            return null;
        }
        if (value < min) {
            problem(at, "must be >= " + min + ", got " + raw);
            return null;
        }
        if (value > max) {
            problem(at, "must be <= " + max + ", got " + raw);
            return null;
        }
        return value;
    }

    /**
     * A finite number (integer or float) satisfying {@code ok}; {@code rule} reads "must be > 0".
     */
    Double number(Located at, DoublePredicate ok, String rule) {
        ScalarNode scalar = scalar(at, "a number");
        if (scalar == null) {
            return null;
        }
        String raw = scalar.getValue();
        if (!Tag.FLOAT.equals(scalar.getTag()) && !Tag.INT.equals(scalar.getTag())) {
            problem(at, "expected a number, got " + describe(scalar));
            return null;
        }
        double value;
        try {
            value =
                    NON_FINITE.matcher(raw).matches()
                            ? Double.NaN
                            : Double.parseDouble(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            problem(at, "expected a decimal number, got '" + raw + "'");
            return null;
        }
        if (!Double.isFinite(value)) {
            problem(at, "must be a finite number, got '" + raw + "'");
            return null;
        }
        if (!ok.test(value)) {
            problem(at, rule + ", got " + raw);
            return null;
        }
        return value;
    }

    Boolean bool(Located at) {
        ScalarNode scalar = scalar(at, "true or false");
        if (scalar == null) {
            return null;
        }
        if (!Tag.BOOL.equals(scalar.getTag())) {
            problem(at, "expected true or false, got " + describe(scalar));
            return null;
        }
        return Boolean.valueOf(scalar.getValue().toLowerCase(Locale.ROOT).matches("true|yes|on|y"));
    }

    /**
     * A scalar option value in canonical text, so {@code 0.10} and {@code 0.1} (or {@code 8} and
     * {@code 0_8}) name the same option and give the same cell id.
     */
    String optionValue(Located at) {
        ScalarNode scalar = scalar(at, "a single value");
        if (scalar == null) {
            return null;
        }
        if (Tag.INT.equals(scalar.getTag())) {
            Long v = integer(at, Long.MIN_VALUE, Long.MAX_VALUE);
            return v == null ? null : Long.toString(v);
        }
        if (Tag.FLOAT.equals(scalar.getTag())) {
            Double v = number(at, d -> true, "");
            return v == null ? null : Double.toString(v);
        }
        if (Tag.BOOL.equals(scalar.getTag())) {
            return bool(at).toString();
        }
        return scalar.getValue();
    }

    private ScalarNode scalar(Located at, String expected) {
        if (!(at.node() instanceof ScalarNode) || isNull(at.node())) {
            problem(at, "expected " + expected + ", got " + describe(at.node()));
            return null;
        }
        return (ScalarNode) at.node();
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /**
     * How a node reads in a message: {@code a list}, {@code a mapping}, {@code nothing}, {@code
     * 'text'}.
     */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "nothing";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    static String unknownKey(String key, Collection<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
            return "unknown key; did you mean '" + best + "'?";
        }
        return "unknown key; allowed here: " + String.join(", ", allowed);
    }

    /** Levenshtein distance, for "did you mean" suggestions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
