package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridParserTest {

    private static final String MINIMAL =
            """
            dataset: mnist
            norms: [gn]
            activations: [relu]
            batch_sizes: [8]
            train:
              steps: 50
            """;

    private static Grid parse(String yaml) throws GridException {
        return GridParser.parse("test.yaml", yaml, TestVocabulary.VOCABULARY);
    }

    private static List<String> ids(Grid grid) {
        return grid.cells().stream().map(CellSpec::cellId).collect(Collectors.toList());
    }

    @Test
    void appliesDocumentedDefaultsToEverySettingNotGiven() throws Exception {
        Grid grid = parse(MINIMAL);
        CellSpec cell = grid.cells().get(0);

        assertEquals("test", grid.name(), "name defaults to the file name without .yaml");
        assertEquals("train-gn-relu-bs8-w1-cpu-s0", cell.cellId());
        assertEquals(CellKind.TRAIN, cell.kind());
        assertEquals("cpu", cell.device());
        assertEquals(0L, cell.seed());
        assertEquals(1.0, cell.width());
        assertEquals(Budget.steps(50), cell.budget());
        assertEquals(DataLimits.DEFAULT, cell.data());
        assertEquals(LrRule.DEFAULT, cell.lr());
        assertEquals(OptimizerSettings.DEFAULT, cell.optimizer());
        assertEquals(HookSettings.DEFAULT, cell.hooks());
        assertEquals(100.0, cell.divergenceLoss());
        assertEquals(10, cell.logEverySteps());
        assertEquals(0, cell.validateEverySteps());
        assertTrue(cell.normOptions().isEmpty());
    }

    @Test
    void readsEverySettingWhenGiven() throws Exception {
        CellSpec cell =
                parse(
                                """
                dataset: cifar10
                norms: [bn]
                activations: [relu]
                batch_sizes: [64]
                devices: [cuda:1]
                seeds: [7]
                width: 0.5
                train_limit: 1000
                test_limit: 200
                validation_fraction: 0.2
                lr: 0.05
                lr_batch_size: 256
                warmup_fraction: 0.1
                schedule: constant
                momentum: 0.8
                weight_decay: 1e-4
                train:
                  epochs: 2.5
                  divergence_loss: 50
                  log_every_steps: 5
                  validate_every_steps: 100
                  hooks: {enabled: false, every_steps: 3, layers: "layer4.*", bins: 20, hist_min: -4, hist_max: 4}
                """)
                        .cells()
                        .get(0);

        assertEquals("train-bn-relu-bs64-w0.5-gpu1-s7", cell.cellId());
        assertEquals("gpu:1", cell.device());
        assertEquals(Budget.epochs(2.5), cell.budget());
        assertEquals(new DataLimits(1000, 200, 0.2), cell.data());
        assertEquals(new LrRule(0.05, 256, 0.1, "constant"), cell.lr());
        assertEquals(0.0125, cell.scaledLr(), 1e-12);
        assertEquals(new OptimizerSettings(0.8, 1e-4), cell.optimizer());
        assertEquals(new HookSettings(false, 3, "layer4.*", 20, -4, 4), cell.hooks());
        assertEquals(50.0, cell.divergenceLoss());
        assertEquals(5, cell.logEverySteps());
        assertEquals(100, cell.validateEverySteps());
    }

    @Test
    void aSectionValueReplacesTheTopLevelOneForThatSectionOnly() throws Exception {
        Grid grid =
                parse(
                        """
                dataset: fashion-mnist
                norms: [bn, gn, ln, rbn]
                activations: [relu]
                batch_sizes: [8]
                width: 0.125
                train:
                  steps: 10
                throughput:
                  norms: [gn]
                  width: 1
                  warmup_steps: 2
                  timed_steps: 5
                """);

        List<CellSpec> train =
                grid.cells().stream()
                        .filter(c -> c.kind() == CellKind.TRAIN)
                        .collect(Collectors.toList());
        List<CellSpec> throughput =
                grid.cells().stream()
                        .filter(c -> c.kind() == CellKind.THROUGHPUT)
                        .collect(Collectors.toList());
        assertEquals(4, train.size());
        assertEquals(
                List.of("throughput-gn-relu-bs8-w1-cpu-s0"),
                ids(new Grid("t", "", "t", "", Map.of(), throughput)));
        assertEquals(new ThroughputSettings(2, 5), throughput.get(0).throughput());
        assertEquals(
                Budget.steps(7),
                throughput.get(0).budget(),
                "a throughput cell runs warm-up plus timed steps");
        assertEquals(HookSettings.DISABLED, throughput.get(0).hooks());
        assertTrue(train.stream().allMatch(c -> c.width() == 0.125));
    }

    @Test
    void expandsTrainBeforeThroughputThenSeedsWidthsBatchSizesNormsActivationsDevices()
            throws Exception {
        Grid grid =
                parse(
                        """
                throughput:
                  timed_steps: 1
                dataset: mnist
                norms: [gn, ln]
                activations: [relu, leaky_relu]
                batch_sizes: [4, 2]
                seeds: [1, 0]
                devices: [cpu, gpu]
                train:
                  steps: 1
                  width: [0.5, 0.25]
                """);

        List<String> train = ids(grid).subList(0, 64);
        assertEquals("train-gn-relu-bs4-w0.5-cpu-s1", train.get(0));
        assertEquals("train-gn-relu-bs4-w0.5-gpu0-s1", train.get(1));
        assertEquals("train-gn-leaky_relu-bs4-w0.5-cpu-s1", train.get(2));
        assertEquals("train-ln-relu-bs4-w0.5-cpu-s1", train.get(4));
        assertEquals("train-gn-relu-bs2-w0.5-cpu-s1", train.get(8));
        assertEquals("train-gn-relu-bs4-w0.25-cpu-s1", train.get(16));
        assertEquals("train-gn-relu-bs4-w0.5-cpu-s0", train.get(32));
        assertEquals("throughput-gn-relu-bs4-w1-cpu-s1", ids(grid).get(64));
        assertEquals(96, grid.cells().size());
    }

    @Test
    void sameGridGivesSameIdsAndReorderingKeysChangesNothing() throws Exception {
        Path dir = Path.of(getClass().getResource("/grids/good").toURI());
        Grid a = GridParser.parse(dir.resolve("reordered-a.yaml"), TestVocabulary.VOCABULARY);
        Grid again = GridParser.parse(dir.resolve("reordered-a.yaml"), TestVocabulary.VOCABULARY);
        Grid b = GridParser.parse(dir.resolve("reordered-b.yaml"), TestVocabulary.VOCABULARY);

        assertEquals(ids(a), ids(again));
        assertEquals(ids(a), ids(b));
        assertEquals(a.cells(), b.cells(), "every setting, not only the id, is the same");
        assertEquals(2 * 2 * 2 * 2 * 2 + 2 * 2, a.cells().size());
    }

    @Test
    void optionsGetAHashSuffixOnlyWhenGivenAndNumbersAreCanonical() throws Exception {
        Grid grid =
                parse(
                        """
                dataset: mnist
                norms: [gn, {name: gn, groups: 8}, {name: gn, groups: 16}]
                activations: [{name: leaky_relu, negative_slope: 0.10}]
                batch_sizes: [8]
                train:
                  steps: 1
                """);
        List<String> normParts =
                grid.cells().stream()
                        .map(c -> c.cellId().split("-")[1])
                        .collect(Collectors.toList());

        assertEquals("gn", normParts.get(0));
        assertTrue(normParts.get(1).matches("gn\\.[0-9a-f]{6}"), normParts.get(1));
        assertNotEquals(normParts.get(1), normParts.get(2));
        CellSpec eight = grid.cells().get(1);
        assertEquals("groups=8", eight.normOptionsText());
        assertEquals("negative_slope=0.1", eight.activationOptionsText());
        assertEquals(
                "leaky_relu." + CellIds.hash("negative_slope=0.1"), eight.cellId().split("-")[2]);
    }

    @Test
    void batchSizeOneIsFineWithoutBatchStatisticsAndInThroughputCells() throws Exception {
        Grid grid =
                parse(
                        """
                dataset: mnist
                activations: [relu]
                batch_sizes: [1]
                train:
                  norms: [gn, ln]
                  steps: 1
                throughput:
                  norms: [bn]
                """);

        assertEquals(3, grid.cells().size());
    }

    @Test
    void reportsEveryProblemOfAFileNotJustTheFirst() {
        GridException e =
                assertThrows(
                        GridException.class,
                        () ->
                                parse(
                                        """
                dataset: mnist
                norms: [xx]
                activations: [yy]
                batch_sizes: [0]
                train:
                  steps: -1
                """));

        assertEquals(
                List.of(2, 3, 4, 6),
                e.problems().stream().map(GridProblem::line).collect(Collectors.toList()));
        assertEquals(4, e.getMessage().lines().count());
    }

    @Test
    void messagesNameTheFileAsTheUserGaveIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, MINIMAL.replace("[gn]", "[gm]"));

        GridException e =
                assertThrows(
                        GridException.class,
                        () -> GridParser.parse(file, TestVocabulary.VOCABULARY));

        assertEquals(
                file + ":2:9: norms[0]: unknown norm 'gm'; allowed: bn, gn, ln, rbn",
                e.getMessage());
        GridProblem problem = e.problems().get(0);
        assertEquals(
                new GridProblem(
                        file.toString(),
                        2,
                        9,
                        "norms[0]",
                        "unknown norm 'gm'; allowed: bn, gn, ln, rbn"),
                problem);
    }

    @Test
    void optionChecksComeFromTheCallersVocabulary() throws Exception {
        GridVocabulary strict =
                new GridVocabulary(
                        Set.of("gn"),
                        Set.of("relu"),
                        Set.of("mnist"),
                        (norm, options) ->
                                options.containsKey("groups")
                                        ? Optional.empty()
                                        : Optional.of("this registry needs groups"),
                        (act, options) -> Optional.empty(),
                        Set.of());

        GridException e =
                assertThrows(
                        GridException.class, () -> GridParser.parse("s.yaml", MINIMAL, strict));

        assertEquals(
                "s.yaml:2:9: norms[0]: bad options for norm 'gn': this registry needs groups",
                e.getMessage());
    }

    @Test
    void batchOfOneRuleFollowsTheVocabularysBatchStatisticNorms() throws Exception {
        assertEquals(
                Set.of("bn", "rbn"),
                TestVocabulary.VOCABULARY.normsNeedingTwoSamples(),
                "the test vocabulary's");
        GridVocabulary custom =
                new GridVocabulary(
                        Set.of("bn", "ghost"),
                        Set.of("relu"),
                        Set.of("mnist"),
                        (n, o) -> Optional.empty(),
                        (a, o) -> Optional.empty(),
                        Set.of("ghost"));
        String yaml =
                """
                dataset: mnist
                norms: [bn, ghost]
                activations: [relu]
                batch_sizes: [1]
                train:
                  steps: 1
                """;

        GridException e =
                assertThrows(GridException.class, () -> GridParser.parse("c.yaml", yaml, custom));

        assertEquals(
                "c.yaml:4:15: batch_sizes[0]: batch size 1 cannot train with norm ghost (batch statistics need at least"
                        + " 2 samples per batch); use batch sizes >= 2 or norms bn in this section",
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new GridVocabulary(
                                Set.of("bn"),
                                Set.of("relu"),
                                Set.of("mnist"),
                                (n, o) -> Optional.empty(),
                                (a, o) -> Optional.empty(),
                                Set.of("zz")));
    }

    @Test
    void anEmptySectionTakesEverythingFromTheTopLevel() throws Exception {
        Grid grid =
                parse(
                        """
                dataset: mnist
                norms: [bn, gn]
                activations: [relu]
                batch_sizes: [8]
                throughput:
                """);

        assertEquals(
                List.of("throughput-bn-relu-bs8-w1-cpu-s0", "throughput-gn-relu-bs8-w1-cpu-s0"),
                ids(grid));
        assertEquals(ThroughputSettings.DEFAULT, grid.cells().get(0).throughput());
    }

    @Test
    void aFiveMegabyteSingleLineFileIsRefusedByItsSizeWithoutBeingRead(@TempDir Path dir)
            throws Exception {
        Path garbage = dir.resolve("garbage.yaml");
        Files.writeString(garbage, "a".repeat(5 * 1024 * 1024));

        GridException e =
                assertThrows(
                        GridException.class,
                        () -> GridParser.parse(garbage, TestVocabulary.VOCABULARY));

        assertEquals(
                garbage
                        + ":1:1: file is 5242880 bytes; a grid file is at most 65536 bytes (64 KiB) of YAML text."
                        + " Is this the grid file?",
                e.getMessage());
    }

    @Test
    void textGivenDirectlyHasTheSameSizeAndLineLimits() {
        GridException big =
                assertThrows(
                        GridException.class, () -> parse("x".repeat(GridText.MAX_FILE_BYTES + 1)));
        GridException wide =
                assertThrows(
                        GridException.class,
                        () -> parse(MINIMAL + "# " + "x".repeat(GridText.MAX_LINE_CHARS)));

        assertTrue(
                big.getMessage().startsWith("test.yaml:1:1: file is 65537 bytes"),
                big.getMessage());
        assertEquals(
                "test.yaml:7:4097: line is 4098 characters long; a grid line is at most 4096. Is this the grid file?",
                wide.getMessage());
    }

    @Test
    void aUtf8ByteOrderMarkIsAccepted() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = MINIMAL.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, withBom, 0, bom.length);
        System.arraycopy(text, 0, withBom, bom.length, text.length);

        assertEquals(
                ids(parse(MINIMAL)),
                ids(GridParser.parse("test.yaml", withBom, TestVocabulary.VOCABULARY)));
    }

    @Test
    void dataChecksAreSkippedForADatasetOfUnknownSize() throws Exception {
        GridVocabulary noSizes =
                new GridVocabulary(
                        Set.of("gn"),
                        Set.of("relu"),
                        Set.of("mnist"),
                        (n, o) -> Optional.empty(),
                        (n, o) -> Optional.empty(),
                        Set.of());
        String yaml =
                "train_limit: 100\n"
                        + MINIMAL.replace("[8]", "[200]")
                                .replace(
                                        "steps: 50",
                                        "steps: 50\n  hooks:\n    layers: \"anything*\"");

        GridException known = assertThrows(GridException.class, () -> parse(yaml));
        assertEquals(2, known.problems().size(), known.getMessage());
        assertEquals(1, GridParser.parse("test.yaml", yaml, noSizes).cells().size());
    }

    @Test
    void aBatchAsLargeAsTheTrainingSplitIsAllowed() throws Exception {
        Grid grid =
                parse(MINIMAL.replace("mnist", "fashion-mnist-subset").replace("[8]", "[1000]"));

        assertEquals(1000, grid.cells().get(0).batchSize());
    }
}
