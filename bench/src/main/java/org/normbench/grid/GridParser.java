package org.normbench.grid;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.normbench.engine.DeviceSpec;
import org.normbench.grid.YamlReader.Located;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads and validates a grid file (format: {@code docs/grid-format.md}) and expands it into cells.
 * Every problem in the file is collected and reported at once with file, line, column, field path,
 * the bad value and the allowed values; a grid with any problem yields no cells at all. Not a
 * runner: it never touches DJL, datasets or devices.
 */
public final class GridParser {

    static final List<String> TOP_ONLY = List.of("name", "description", "jobs");
    static final List<String> SECTIONS = List.of("train", "throughput");
    static final List<String> SHARED =
            List.of(
                    "dataset",
                    "width",
                    "norms",
                    "activations",
                    "batch_sizes",
                    "devices",
                    "seeds",
                    "train_limit",
                    "test_limit",
                    "validation_fraction",
                    "lr",
                    "lr_batch_size",
                    "warmup_fraction",
                    "schedule",
                    "momentum",
                    "weight_decay",
                    "lr_protocol",
                    "model");
    static final List<String> TRAIN_ONLY =
            List.of(
                    "epochs",
                    "steps",
                    "divergence_loss",
                    "log_every_steps",
                    "validate_every_steps",
                    "hooks");
    static final List<String> THROUGHPUT_ONLY = List.of("warmup_steps", "timed_steps");
    static final List<String> HOOK_KEYS =
            List.of(
                    "enabled",
                    "every_steps",
                    "layers",
                    "bins",
                    "hist_min",
                    "hist_max",
                    "dead_window");

    static final int DEFAULT_LOG_EVERY_STEPS = 10;
    static final int DEFAULT_VALIDATE_EVERY_STEPS = 0;
    static final double DEFAULT_DIVERGENCE_LOSS = 100;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final long MAX_INT = Integer.MAX_VALUE;

    /*
     * Upper (and width's lower) bounds on what a cell may ask for: past them a cell runs for weeks,
     * overflows a counter or trains a degenerate model while reporting "ok". docs/grid-format.md
     * ("Bounds") gives each one's reason; change them together.
     */
    /** 1000 epochs: ten times the longest common CIFAR/ImageNet schedules (90-300 epochs). */
    static final double MAX_EPOCHS = 1000;

    /**
     * Ten million optimiser steps per cell, given as {@code steps} or implied by {@code epochs}.
     */
    static final long MAX_STEPS = 10_000_000;

    /**
     * 1/32: stage widths 2/4/8/16 channels. Narrower rounds stages to one channel, where norms are
     * degenerate.
     */
    static final double MIN_WIDTH = 1.0 / 32;

    /**
     * 4: stage widths 256..2048 channels, about 180M parameters (16x ResNet18's 11.2M; parameters
     * grow as width squared).
     */
    static final double MAX_WIDTH = 4;

    /**
     * 65536 images per batch: one full-width step at 32x32 already needs about 300 GB of
     * activations (about 5 MB per image); train batches are also bounded by the data.
     */
    static final long MAX_BATCH_SIZE = 65_536;

    /** 100000 warm-up or timed steps per throughput cell: a timing needs tens. */
    static final long MAX_THROUGHPUT_STEPS = 100_000;

    private GridParser() {}

    /**
     * Parses {@code file}; messages name the file as given. A file over {@link
     * GridText#MAX_FILE_BYTES} is not read.
     */
    public static Grid parse(Path file, GridVocabulary vocabulary)
            throws GridException, IOException {
        return parse(file, () -> vocabulary);
    }

    /**
     * Like {@link #parse(Path, GridVocabulary)}, but builds the vocabulary only once the file has
     * passed the size and text checks, so a wrong file is refused without loading the registries.
     */
    public static Grid parse(Path file, Supplier<GridVocabulary> vocabulary)
            throws GridException, IOException {
        GridText.requireSize(file.toString(), Files.size(file));
        String text = GridText.decode(file.toString(), Files.readAllBytes(file));
        GridText.requireShape(file.toString(), text);
        return parse(file.toString(), text, vocabulary.get());
    }

    /**
     * Parses the bytes of a grid file: refused unless it is UTF-8 text of bounded size and line
     * length.
     */
    public static Grid parse(String displayName, byte[] content, GridVocabulary vocabulary)
            throws GridException {
        return parse(displayName, GridText.decode(displayName, content), vocabulary);
    }

    /**
     * Parses YAML text; {@code displayName} is the file name used in messages and the default grid
     * name.
     */
    public static Grid parse(String displayName, String yaml, GridVocabulary vocabulary)
            throws GridException {
        GridText.requireShape(displayName, yaml);
        YamlReader reader = new YamlReader(displayName);
        Grid grid = new GridParser.Run(reader, vocabulary, displayName, yaml).grid();
        List<GridProblem> problems = reader.problems();
        if (!problems.isEmpty() || grid == null) {
            if (problems.isEmpty()) {
                throw new IllegalStateException(
                        "grid rejected without a recorded problem: " + displayName);
            }
            throw new GridException(problems);
        }
        return grid;
    }

    /** A norm or activation entry: its name and options (canonical text values, sorted by key). */
    record Choice(String name, SortedMap<String, String> options) {
        @Override
        public String toString() {
            return options.isEmpty() ? name : name + "{" + CellSpec.optionsText(options) + "}";
        }
    }

    /** A value of an axis with where it was written, for cross-field messages. */
    record Item<T>(T value, Located at) {}

    /** One parse of one file; holds the reader and the top-level fields. */
    private static final class Run {
        private final YamlReader reader;
        private final GridVocabulary vocabulary;
        private final String displayName;
        private final String yaml;

        /**
         * The good elements of axes that also had bad ones, by list node, so cross-field checks
         * (batch size 1 with bn) still run and report alongside the element problems.
         */
        private final Map<Node, List<?>> partialAxes = new IdentityHashMap<>();

        Run(YamlReader reader, GridVocabulary vocabulary, String displayName, String yaml) {
            this.reader = reader;
            this.vocabulary = vocabulary;
            this.displayName = displayName;
            this.yaml = yaml;
        }

        Grid grid() {
            Node root = compose();
            if (root == null) {
                return null;
            }
            List<String> topAllowed = new ArrayList<>(TOP_ONLY);
            topAllowed.addAll(SHARED);
            topAllowed.addAll(SECTIONS);
            Map<String, Located> top =
                    reader.mapping(
                            new Located(root, ""), topAllowed, key -> misplacedAt(key, null));
            if (top == null) {
                return null;
            }
            String name = defaultName();
            if (top.containsKey("name")) {
                name = reader.text(top.get("name"));
                if (name != null && !NAME.matcher(name).matches()) {
                    reader.problem(
                            top.get("name"),
                            "must use only letters, digits, '.', '_', '-', got '" + name + "'");
                }
            }
            String description =
                    top.containsKey("description") ? reader.text(top.get("description")) : "";
            if (top.containsKey("jobs")) {
                // Cells run at once (normbench bench --jobs overrides); the harness reads it from
                // the document.
                String jobs = reader.text(top.get("jobs"));
                if (jobs != null && !jobs.equals("auto") && !jobs.matches("[1-9][0-9]{0,3}")) {
                    reader.problem(
                            top.get("jobs"),
                            "must be a whole number from 1 to 9999 or 'auto', got '" + jobs + "'");
                }
            }

            Map<String, Object> topValues = new HashMap<>();
            for (String key : SHARED) {
                if (top.containsKey(key)) {
                    topValues.put(key, value(key, top.get(key)));
                }
            }
            if (!top.containsKey("train") && !top.containsKey("throughput")) {
                reader.problem(
                        root, "", "no 'train' or 'throughput' section; a grid needs at least one");
                return null;
            }
            List<CellSpec> cells = new ArrayList<>();
            for (String section : SECTIONS) {
                if (top.containsKey(section)) {
                    CellKind kind = CellKind.valueOf(section.toUpperCase(Locale.ROOT));
                    List<CellSpec> sectionCells = section(kind, top.get(section), top, topValues);
                    if (sectionCells != null) {
                        cells.addAll(sectionCells);
                    }
                }
            }
            checkUniqueIds(cells, root);
            if (!reader.problems().isEmpty()) {
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> document = (Map<String, Object>) plain(root);
            return new Grid(
                    name,
                    description == null ? "" : description,
                    displayName,
                    yaml,
                    document,
                    cells);
        }

        private Node compose() {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(20);
            options.setAllowRecursiveKeys(false);
            try {
                Node root = new Yaml(options).compose(new StringReader(yaml));
                if (root == null) {
                    reader.problemAtStart(
                            "empty grid file; see docs/grid-format.md for a complete example");
                }
                return root;
            } catch (MarkedYAMLException e) {
                Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
                String what = e.getProblem() != null ? e.getProblem() : e.getContext();
                if (e.getProblem() != null
                        && e.getContext() != null
                        && e.getContextMark() != null) {
                    what +=
                            " ("
                                    + e.getContext()
                                    + " started at "
                                    + (e.getContextMark().getLine() + 1)
                                    + ":"
                                    + (e.getContextMark().getColumn() + 1)
                                    + ")";
                }
                if (mark == null) {
                    reader.problemAtStart("YAML syntax error: " + what);
                } else {
                    reader.problem(
                            new ScalarNode(
                                    Tag.STR, "", mark, mark, DumperOptions.ScalarStyle.PLAIN),
                            "",
                            "YAML syntax error: " + what);
                }
                return null;
            } catch (YAMLException e) {
                reader.problemAtStart("YAML error: " + e.getMessage());
                return null;
            }
        }

        private String defaultName() {
            String base = Path.of(displayName).getFileName().toString();
            return base.endsWith(".yaml")
                    ? base.substring(0, base.length() - 5)
                    : base.endsWith(".yml") ? base.substring(0, base.length() - 4) : base;
        }

        /** Explains a known key in the wrong place; null when the key is simply unknown. */
        private static String misplacedAt(String key, CellKind section) {
            if (TRAIN_ONLY.contains(key) && section != CellKind.TRAIN) {
                return "only allowed under 'train:'";
            }
            if (THROUGHPUT_ONLY.contains(key) && section != CellKind.THROUGHPUT) {
                return "only allowed under 'throughput:'";
            }
            if (section != null && (TOP_ONLY.contains(key) || SECTIONS.contains(key))) {
                return "only allowed at the top level";
            }
            return null;
        }

        /** Cells of one section, or null when it has problems. */
        private List<CellSpec> section(
                CellKind kind,
                Located at,
                Map<String, Located> top,
                Map<String, Object> topValues) {
            List<String> allowed = new ArrayList<>(SHARED);
            allowed.addAll(kind == CellKind.TRAIN ? TRAIN_ONLY : THROUGHPUT_ONLY);
            // "throughput:" with nothing under it is a section that takes every value from the top
            // level.
            Map<String, Located> fields =
                    YamlReader.isNull(at.node())
                            ? Map.of()
                            : reader.mapping(at, allowed, key -> misplacedAt(key, kind));
            if (fields == null) {
                return null;
            }
            Map<String, Object> values = new HashMap<>(topValues);
            Map<String, Located> where = new HashMap<>();
            for (String key : SHARED) {
                if (top.containsKey(key)) {
                    where.put(key, top.get(key));
                }
            }
            for (Map.Entry<String, Located> field : fields.entrySet()) {
                values.put(field.getKey(), value(field.getKey(), field.getValue()));
                where.put(field.getKey(), field.getValue());
            }
            boolean ok = true;
            for (String required : List.of("dataset", "norms", "activations", "batch_sizes")) {
                if (!where.containsKey(required)) {
                    reader.problem(
                            at.anchor(),
                            at.path(),
                            "missing '"
                                    + required
                                    + "' (give it under '"
                                    + at.path()
                                    + ":' or at the top level)");
                    ok = false;
                }
            }
            Budget budget = null;
            if (kind == CellKind.TRAIN) {
                if (where.containsKey("epochs") && where.containsKey("steps")) {
                    reader.problem(where.get("steps"), "give either 'epochs' or 'steps', not both");
                    ok = false;
                } else if (!where.containsKey("epochs") && !where.containsKey("steps")) {
                    reader.problem(
                            at.anchor(),
                            at.path(),
                            "missing budget; give 'epochs' (e.g. 30) or 'steps' (e.g. 500)");
                    ok = false;
                } else if (values.get("epochs") != null) {
                    budget = Budget.epochs((Double) values.get("epochs"));
                } else if (values.get("steps") != null) {
                    budget = Budget.steps((Long) values.get("steps"));
                }
            }
            ok &= checkBatchOne(kind, values, where);
            ok &= checkAgainstData(kind, values, where);
            for (Map.Entry<String, Located> entry : where.entrySet()) {
                if (values.get(entry.getKey()) == null) {
                    ok = false;
                }
            }
            if (!ok) {
                return null;
            }
            return expand(kind, values, budget);
        }

        private boolean checkBatchOne(
                CellKind kind, Map<String, Object> values, Map<String, Located> where) {
            List<Item<Choice>> norms = goodItems(values, where, "norms");
            List<Item<Integer>> batchSizes = goodItems(values, where, "batch_sizes");
            if (kind != CellKind.TRAIN) {
                return true;
            }
            TreeSet<String> offending = new TreeSet<>();
            for (Item<Choice> norm : norms) {
                if (vocabulary.normsNeedingTwoSamples().contains(norm.value().name())) {
                    offending.add(norm.value().name());
                }
            }
            boolean ok = true;
            for (Item<Integer> size : batchSizes) {
                if (size.value() == 1 && !offending.isEmpty()) {
                    reader.problem(
                            size.at(),
                            "batch size 1 cannot train with norm "
                                    + String.join(", ", offending)
                                    + " (batch statistics need at least 2 samples per batch); use batch sizes >= 2 or norms "
                                    + String.join(", ", new TreeSet<>(nonBatchNorms()))
                                    + " in this section");
                    ok = false;
                }
            }
            return ok;
        }

        /**
         * A train section against its dataset's size: limits no larger than the splits, a
         * validation fraction that holds out at least one image, every batch size at most the
         * training images left (an epoch needs one full batch; the last partial batch is dropped),
         * and an epoch budget within {@link #MAX_STEPS} at the smallest batch size. Skipped for
         * datasets the vocabulary has no size for.
         */
        private boolean checkAgainstData(
                CellKind kind, Map<String, Object> values, Map<String, Located> where) {
            String dataset = (String) values.get("dataset");
            GridVocabulary.DatasetSize size =
                    dataset == null ? null : vocabulary.datasetSizes().get(dataset);
            if (kind != CellKind.TRAIN || size == null) {
                return true;
            }
            boolean ok = true;
            int trainImages = size.trainImages();
            String source = dataset;
            Integer trainLimit = (Integer) values.get("train_limit");
            if (trainLimit != null && trainLimit > trainImages) {
                reader.problem(
                        where.get("train_limit"),
                        trainLimit
                                + " is more than the "
                                + trainImages
                                + " training images of "
                                + dataset
                                + "; use at most "
                                + trainImages
                                + ", or 0 for all");
                ok = false;
            } else if (trainLimit != null && trainLimit > 0) {
                trainImages = trainLimit;
                source = "train_limit " + trainLimit;
            }
            Integer testLimit = (Integer) values.get("test_limit");
            if (testLimit != null && testLimit > size.testImages()) {
                reader.problem(
                        where.get("test_limit"),
                        testLimit
                                + " is more than the "
                                + size.testImages()
                                + " test images of "
                                + dataset
                                + "; use at most "
                                + size.testImages()
                                + ", or 0 for all");
                ok = false;
            }
            Double fraction = (Double) values.get("validation_fraction");
            if (fraction != null && fraction > 0) {
                long heldOut = Math.round(fraction * trainImages);
                if (heldOut == 0) {
                    reader.problem(
                            where.get("validation_fraction"),
                            "holds out no image of the "
                                    + trainImages
                                    + " training images ("
                                    + source
                                    + "); use 0 for no validation set, or at least "
                                    + (0.5 / trainImages));
                    ok = false;
                }
                trainImages -= (int) heldOut;
                source += ", less " + heldOut + " held out by validation_fraction " + fraction;
            }
            int smallestBatch = Integer.MAX_VALUE;
            for (Item<Integer> batch : this.<Integer>goodItems(values, where, "batch_sizes")) {
                if (batch.value() > trainImages) {
                    reader.problem(
                            batch.at(),
                            "batch size "
                                    + batch.value()
                                    + " is more than the "
                                    + trainImages
                                    + " training images ("
                                    + source
                                    + "); an epoch would have no full batch");
                    ok = false;
                } else {
                    smallestBatch = Math.min(smallestBatch, batch.value());
                }
            }
            Double epochs = (Double) values.get("epochs");
            if (epochs != null
                    && where.containsKey("epochs")
                    && !where.containsKey("steps")
                    && smallestBatch <= trainImages) {
                double steps = Math.ceil(epochs * (trainImages / smallestBatch));
                if (steps > MAX_STEPS) {
                    reader.problem(
                            where.get("epochs"),
                            String.format(
                                    Locale.ROOT,
                                    "%s epochs of %d training images at batch size %d is %.0f steps; a cell runs at most %d steps",
                                    reader.text(where.get("epochs")),
                                    trainImages,
                                    smallestBatch,
                                    steps,
                                    MAX_STEPS));
                    ok = false;
                }
            }
            return ok;
        }

        private Set<String> nonBatchNorms() {
            Set<String> out = new TreeSet<>(vocabulary.norms());
            out.removeAll(vocabulary.normsNeedingTwoSamples());
            return out;
        }

        /** Parses one key's value; null when bad (problem recorded). */
        private Object value(String key, Located at) {
            switch (key) {
                case "dataset":
                    return vocabularyName(at, "dataset", vocabulary.datasets());
                case "width":
                    return width(at);
                case "norms":
                    return choices(
                            at, "norm", vocabulary.norms(), vocabulary.normOptionsProblem()::apply);
                case "activations":
                    return choices(
                            at,
                            "activation",
                            vocabulary.activations(),
                            vocabulary.activationOptionsProblem()::apply);
                case "batch_sizes":
                    return axis(
                            at,
                            "give at least one batch size, e.g. [8, 32]",
                            a -> toInt(reader.integer(a, 1, MAX_BATCH_SIZE)));
                case "devices":
                    return axis(
                            at,
                            "give at least one device; allowed: " + DeviceSpec.ALLOWED,
                            this::device);
                case "seeds":
                    return axis(
                            at,
                            "give at least one seed, e.g. [0]",
                            a -> reader.integer(a, 0, MAX_INT));
                case "train_limit":
                case "test_limit":
                    return toInt(reader.integer(at, 0, MAX_INT));
                case "validation_fraction":
                case "warmup_fraction":
                    return reader.number(at, v -> v >= 0 && v < 1, "must be in [0, 1)");
                case "lr":
                case "divergence_loss":
                    return reader.number(at, v -> v > 0, "must be > 0");
                case "epochs":
                    return reader.number(
                            at,
                            v -> v > 0 && v <= MAX_EPOCHS,
                            "must be > 0 and at most " + (long) MAX_EPOCHS);
                case "lr_batch_size":
                case "log_every_steps":
                    return toInt(reader.integer(at, 1, MAX_INT));
                case "timed_steps":
                    return toInt(reader.integer(at, 1, MAX_THROUGHPUT_STEPS));
                case "steps":
                    return reader.integer(at, 1, MAX_STEPS);
                case "validate_every_steps":
                    return toInt(reader.integer(at, 0, MAX_INT));
                case "warmup_steps":
                    return toInt(reader.integer(at, 0, MAX_THROUGHPUT_STEPS));
                case "schedule":
                    return vocabularyName(at, "schedule", LrRule.SCHEDULES);
                case "lr_protocol":
                    return vocabularyName(at, "lr_protocol", LrRule.Protocol.keys());
                case "model":
                    return vocabularyName(at, "model", CellSpec.MODELS);
                case "momentum":
                    return reader.number(at, v -> v >= 0 && v < 1, "must be in [0, 1)");
                case "weight_decay":
                    return reader.number(at, v -> v >= 0, "must be >= 0");
                case "hooks":
                    return hooks(at);
                default:
                    throw new IllegalStateException("no reader for key " + key);
            }
        }

        private static Integer toInt(Long value) {
            return value == null ? null : Math.toIntExact(value);
        }

        private String vocabularyName(Located at, String what, Collection<String> allowed) {
            String name = reader.text(at);
            if (name == null) {
                return null;
            }
            if (!allowed.contains(name)) {
                String meant =
                        vocabulary
                                .suggestion(name, allowed)
                                .map(s -> "did you mean '" + s + "'? ")
                                .orElse("");
                reader.problem(
                        at,
                        "unknown "
                                + what
                                + " '"
                                + name
                                + "'; "
                                + meant
                                + "allowed: "
                                + String.join(", ", new TreeSet<>(allowed)));
                return null;
            }
            return name;
        }

        private List<Item<Double>> width(Located at) {
            DoublePredicate inRange = v -> v >= MIN_WIDTH && v <= MAX_WIDTH;
            String rule =
                    "must be in ["
                            + MIN_WIDTH
                            + ", "
                            + (long) MAX_WIDTH
                            + "] (1/32 to 4 times the 64/128/256/512 channels)";
            if (at.node() instanceof SequenceNode) {
                return axis(
                        at,
                        "give at least one width, e.g. [0.25, 1]",
                        a -> reader.number(a, inRange, rule));
            }
            Double value = reader.number(at, inRange, rule);
            return value == null ? null : List.of(new Item<>(value, at));
        }

        private String device(Located at) {
            String text = reader.text(at);
            if (text == null) {
                return null;
            }
            try {
                return DeviceSpec.parse(text).toString();
            } catch (IllegalArgumentException e) {
                reader.problem(at, e.getMessage());
                return null;
            }
        }

        /** A non-empty list of distinct values; null if any element is bad. */
        private <T> List<Item<T>> axis(Located at, String emptyHint, Function<Located, T> element) {
            List<Located> elements = reader.list(at, emptyHint);
            if (elements == null) {
                return null;
            }
            List<Item<T>> out = new ArrayList<>();
            Map<T, Located> seen = new HashMap<>();
            boolean ok = true;
            for (Located e : elements) {
                T value = element.apply(e);
                if (value == null) {
                    ok = false;
                    continue;
                }
                Located first = seen.putIfAbsent(value, e);
                if (first != null) {
                    reader.problem(e, "duplicate value " + value + "; already at " + first.path());
                    ok = false;
                    continue;
                }
                out.add(new Item<>(value, e));
            }
            if (!ok) {
                partialAxes.put(at.node(), Collections.unmodifiableList(out));
                return null;
            }
            return Collections.unmodifiableList(out);
        }

        /**
         * The valid elements of an axis, also of one that had bad elements; empty when absent or
         * not a list.
         */
        @SuppressWarnings("unchecked")
        private <T> List<Item<T>> goodItems(
                Map<String, Object> values, Map<String, Located> where, String key) {
            if (values.get(key) != null) {
                return (List<Item<T>>) values.get(key);
            }
            Located at = where.get(key);
            List<?> partial = at == null ? null : partialAxes.get(at.node());
            return partial == null ? List.of() : (List<Item<T>>) partial;
        }

        private interface OptionsCheck {
            Optional<String> problem(String name, Map<String, String> options);
        }

        private List<Item<Choice>> choices(
                Located at, String what, Set<String> names, OptionsCheck check) {
            String hint = "give at least one of: " + String.join(", ", new TreeSet<>(names));
            return axis(at, hint, e -> choice(e, what, names, check));
        }

        private Choice choice(Located at, String what, Set<String> names, OptionsCheck check) {
            String name;
            SortedMap<String, String> options = new TreeMap<>();
            Located nameAt;
            if (at.node() instanceof MappingNode) {
                Map<String, Located> fields = optionFields(at);
                if (fields == null) {
                    return null;
                }
                nameAt = fields.get("name");
                if (nameAt == null) {
                    reader.problem(
                            at,
                            "missing 'name' (e.g. {name: "
                                    + (what.equals("norm")
                                            ? "gn, groups: 16"
                                            : "leaky_relu, negative_slope: 0.1")
                                    + "})");
                    return null;
                }
                boolean ok = true;
                for (Map.Entry<String, Located> option : fields.entrySet()) {
                    if (option.getKey().equals("name")) {
                        continue;
                    }
                    String value = reader.optionValue(option.getValue());
                    if (value == null) {
                        ok = false;
                    } else {
                        options.put(option.getKey(), value);
                    }
                }
                name = vocabularyName(nameAt, what, names);
                if (!ok || name == null) {
                    return null;
                }
            } else {
                nameAt = at;
                name = vocabularyName(at, what, names);
                if (name == null) {
                    return null;
                }
            }
            Optional<String> bad = check.problem(name, Collections.unmodifiableSortedMap(options));
            if (bad.isPresent()) {
                reader.problem(at, "bad options for " + what + " '" + name + "': " + bad.get());
                return null;
            }
            return new Choice(name, Collections.unmodifiableSortedMap(options));
        }

        /**
         * Keys of an inline option mapping; any key is allowed (the vocabulary's check judges
         * them).
         */
        private Map<String, Located> optionFields(Located at) {
            Map<String, Located> out = new LinkedHashMap<>();
            Map<String, Node> firstKeys = new HashMap<>();
            boolean ok = true;
            for (NodeTuple tuple : ((MappingNode) at.node()).getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode) || YamlReader.isNull(keyNode)) {
                    reader.problem(
                            keyNode,
                            at.path(),
                            "keys must be plain names, got " + YamlReader.describe(keyNode));
                    ok = false;
                    continue;
                }
                String key = ((ScalarNode) keyNode).getValue();
                Located value = at.child(keyNode, key, tuple.getValueNode());
                Node first = firstKeys.putIfAbsent(key, keyNode);
                if (first != null) {
                    reader.problem(
                            keyNode,
                            value.path(),
                            "duplicate key (first at line "
                                    + (first.getStartMark().getLine() + 1)
                                    + ")");
                    ok = false;
                    continue;
                }
                out.put(key, value);
            }
            return ok ? out : null;
        }

        private HookSettings hooks(Located at) {
            Map<String, Located> fields = reader.mapping(at, HOOK_KEYS, key -> null);
            if (fields == null) {
                return null;
            }
            HookSettings d = HookSettings.DEFAULT;
            boolean enabled = d.enabled();
            int everySteps = d.everySteps();
            String layers = d.layers();
            int bins = d.bins();
            double histMin = d.histMin();
            double histMax = d.histMax();
            int deadWindow = d.deadWindow();
            boolean ok = true;
            for (Map.Entry<String, Located> f : fields.entrySet()) {
                Object v;
                switch (f.getKey()) {
                    case "enabled":
                        v = reader.bool(f.getValue());
                        if (v != null) {
                            enabled = (Boolean) v;
                        }
                        break;
                    case "every_steps":
                        v = toInt(reader.integer(f.getValue(), 1, MAX_INT));
                        if (v != null) {
                            everySteps = (Integer) v;
                        }
                        break;
                    case "layers":
                        v = layers(f.getValue());
                        if (v != null) {
                            layers = (String) v;
                        }
                        break;
                    case "bins":
                        v = toInt(reader.integer(f.getValue(), 1, 10_000));
                        if (v != null) {
                            bins = (Integer) v;
                        }
                        break;
                    case "hist_min":
                        v = reader.number(f.getValue(), x -> true, "");
                        if (v != null) {
                            histMin = (Double) v;
                        }
                        break;
                    case "hist_max":
                        v = reader.number(f.getValue(), x -> true, "");
                        if (v != null) {
                            histMax = (Double) v;
                        }
                        break;
                    case "dead_window":
                        v = toInt(reader.integer(f.getValue(), 1, MAX_INT));
                        if (v != null) {
                            deadWindow = (Integer) v;
                        }
                        break;
                    default:
                        throw new IllegalStateException("no reader for hooks key " + f.getKey());
                }
                ok &= v != null;
            }
            if (ok && !(histMin < histMax)) {
                Located blame =
                        fields.containsKey("hist_max")
                                ? fields.get("hist_max")
                                : fields.get("hist_min");
                reader.problem(
                        blame,
                        "need hist_min < hist_max, got hist_min "
                                + histMin
                                + " and hist_max "
                                + histMax);
                ok = false;
            }
            return ok
                    ? new HookSettings(
                            enabled, everySteps, layers, bins, histMin, histMax, deadWindow)
                    : null;
        }

        /**
         * A {@code hooks.layers} pattern list in which every pattern matches a probe of the model
         * (when its probes are known).
         */
        private String layers(Located at) {
            String text = reader.text(at);
            if (text == null || vocabulary.probeNames().isEmpty()) {
                return text;
            }
            List<String> unmatched = LayerPattern.unmatched(text, vocabulary.probeNames());
            if (unmatched.isEmpty()) {
                return text;
            }
            reader.problem(
                    at,
                    (unmatched.size() == 1
                                    ? "pattern '" + unmatched.get(0) + "' matches"
                                    : "patterns '" + String.join("', '", unmatched) + "' match")
                            + " no layer of the model; available: "
                            + String.join(", ", vocabulary.probeNames())
                            + " (an exact name or a glob with * and ?, comma-separated)");
            return null;
        }

        @SuppressWarnings("unchecked")
        private static <T> List<Item<T>> items(
                Map<String, Object> values, String key, Class<T> type) {
            return (List<Item<T>>) values.get(key);
        }

        private static <T> T get(Map<String, Object> values, String key, T fallback) {
            @SuppressWarnings("unchecked")
            T value = (T) values.get(key);
            return value == null ? fallback : value;
        }

        /** The cells of one valid section, in the documented nesting order. */
        private List<CellSpec> expand(
                CellKind kind, Map<String, Object> values, Budget trainBudget) {
            String dataset = (String) values.get("dataset");
            List<Item<Double>> widths = get(values, "width", List.of(new Item<>(1.0, null)));
            List<Item<String>> devices = get(values, "devices", List.of(new Item<>("cpu", null)));
            List<Item<Long>> seeds = get(values, "seeds", List.of(new Item<>(0L, null)));
            DataLimits data =
                    new DataLimits(
                            get(values, "train_limit", DataLimits.DEFAULT.trainLimit()),
                            get(values, "test_limit", DataLimits.DEFAULT.testLimit()),
                            get(
                                    values,
                                    "validation_fraction",
                                    DataLimits.DEFAULT.validationFraction()));
            LrRule lr =
                    new LrRule(
                            get(values, "lr", LrRule.DEFAULT.baseLr()),
                            get(values, "lr_batch_size", LrRule.DEFAULT.referenceBatchSize()),
                            get(values, "warmup_fraction", LrRule.DEFAULT.warmupFraction()),
                            get(values, "schedule", LrRule.DEFAULT.schedule()),
                            LrRule.Protocol.of(
                                    get(values, "lr_protocol", LrRule.DEFAULT.protocol().key())));
            OptimizerSettings optimizer =
                    new OptimizerSettings(
                            get(values, "momentum", OptimizerSettings.DEFAULT.momentum()),
                            get(values, "weight_decay", OptimizerSettings.DEFAULT.weightDecay()));
            ThroughputSettings throughput =
                    new ThroughputSettings(
                            get(values, "warmup_steps", ThroughputSettings.DEFAULT.warmupSteps()),
                            get(values, "timed_steps", ThroughputSettings.DEFAULT.timedSteps()));
            Budget budget =
                    kind == CellKind.TRAIN
                            ? trainBudget
                            : Budget.steps(
                                    (long) throughput.warmupSteps() + throughput.timedSteps());
            HookSettings hooks =
                    kind == CellKind.TRAIN
                            ? get(values, "hooks", HookSettings.DEFAULT)
                            : HookSettings.DISABLED;
            double divergence = get(values, "divergence_loss", DEFAULT_DIVERGENCE_LOSS);
            int logEvery = get(values, "log_every_steps", DEFAULT_LOG_EVERY_STEPS);
            int validateEvery = get(values, "validate_every_steps", DEFAULT_VALIDATE_EVERY_STEPS);
            String model = get(values, "model", CellSpec.MODELS.get(0));

            List<CellSpec> cells = new ArrayList<>();
            for (Item<Long> seed : seeds) {
                for (Item<Double> width : widths) {
                    for (Item<Integer> batch : items(values, "batch_sizes", Integer.class)) {
                        for (Item<Choice> norm : items(values, "norms", Choice.class)) {
                            for (Item<Choice> act : items(values, "activations", Choice.class)) {
                                for (Item<String> device : devices) {
                                    String id =
                                            CellIds.of(
                                                    kind,
                                                    norm.value().name(),
                                                    norm.value().options(),
                                                    act.value().name(),
                                                    act.value().options(),
                                                    batch.value(),
                                                    width.value(),
                                                    device.value(),
                                                    seed.value());
                                    cells.add(
                                            new CellSpec(
                                                    id,
                                                    kind,
                                                    norm.value().name(),
                                                    norm.value().options(),
                                                    act.value().name(),
                                                    act.value().options(),
                                                    batch.value(),
                                                    device.value(),
                                                    seed.value(),
                                                    width.value(),
                                                    dataset,
                                                    budget,
                                                    data,
                                                    lr,
                                                    optimizer,
                                                    divergence,
                                                    hooks,
                                                    throughput,
                                                    logEvery,
                                                    validateEvery,
                                                    model));
                                }
                            }
                        }
                    }
                }
            }
            return cells;
        }

        /**
         * Ids must be unique for results to be files; only an option-hash collision could break it.
         */
        private void checkUniqueIds(List<CellSpec> cells, Node root) {
            Map<String, CellSpec> seen = new HashMap<>();
            for (CellSpec cell : cells) {
                if (!NAME.matcher(cell.cellId()).matches()) {
                    reader.problem(
                            root,
                            "",
                            "cell id '"
                                    + cell.cellId()
                                    + "' is not a safe file name (letters, digits, '.', '_', '-');"
                                    + " a norm, activation or device name in the vocabulary has other characters");
                    return;
                }
                CellSpec first = seen.putIfAbsent(cell.cellId(), cell);
                if (first != null) {
                    reader.problem(
                            root,
                            "",
                            "two cells share the id '"
                                    + cell.cellId()
                                    + "' ("
                                    + first.normOptionsText()
                                    + " / "
                                    + cell.normOptionsText()
                                    + "); change an option value to tell them apart");
                }
            }
        }

        /** The document as plain Java values, for the manifest. */
        private static Object plain(Node node) {
            if (node instanceof MappingNode) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (NodeTuple t : ((MappingNode) node).getValue()) {
                    out.put(((ScalarNode) t.getKeyNode()).getValue(), plain(t.getValueNode()));
                }
                return Collections.unmodifiableMap(out);
            }
            if (node instanceof SequenceNode) {
                List<Object> out = new ArrayList<>();
                for (Node n : ((SequenceNode) node).getValue()) {
                    out.add(plain(n));
                }
                return Collections.unmodifiableList(out);
            }
            ScalarNode scalar = (ScalarNode) node;
            String raw = scalar.getValue();
            try {
                if (Tag.NULL.equals(scalar.getTag())) {
                    return null;
                }
                if (Tag.INT.equals(scalar.getTag())) {
                    return Long.parseLong(raw.replace("_", ""));
                }
                if (Tag.FLOAT.equals(scalar.getTag())) {
                    return Double.parseDouble(raw.replace("_", ""));
                }
                if (Tag.BOOL.equals(scalar.getTag())) {
                    return raw.toLowerCase(Locale.ROOT).matches("true|yes|on");
                }
            } catch (NumberFormatException e) {
                return raw;
            }
            return raw;
        }
    }
}
