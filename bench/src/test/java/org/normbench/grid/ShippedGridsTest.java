package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The grids shipped in {@code bench/grids/} parse and expand to the cells the profiles promise. */
class ShippedGridsTest {

    /** Surefire runs in the module directory; an IDE may run in the repository root. */
    static Path gridsDir() {
        Path inModule = Path.of("grids");
        return Files.isDirectory(inModule) ? inModule : Path.of("bench", "grids");
    }

    static Grid parse(String relative) throws Exception {
        return GridParser.parse(gridsDir().resolve(relative), TestVocabulary.VOCABULARY);
    }

    private static List<CellSpec> ofKind(Grid grid, CellKind kind) {
        return grid.cells().stream().filter(c -> c.kind() == kind).collect(Collectors.toList());
    }

    private static Set<String> variants(List<CellSpec> cells) {
        return cells.stream()
                .map(c -> c.norm() + "/" + c.activation())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static final Set<String> ALL_EIGHT =
            Set.of(
                    "bn/relu",
                    "bn/leaky_relu",
                    "gn/relu",
                    "gn/leaky_relu",
                    "ln/relu",
                    "ln/leaky_relu",
                    "rbn/relu",
                    "rbn/leaky_relu");

    @Test
    void cpuSmokeTrainsAllEightVariantsAtBatch2And8And32OnTheEmbeddedDataset() throws Exception {
        Grid grid = parse("cpu-smoke.yaml");
        List<CellSpec> train = ofKind(grid, CellKind.TRAIN);

        assertEquals("cpu-smoke", grid.name());
        assertEquals(24, train.size());
        assertEquals(ALL_EIGHT, variants(train));
        assertEquals(
                Set.of(2, 8, 32),
                train.stream().map(CellSpec::batchSize).collect(Collectors.toSet()));
        assertEquals(List.of(0L), grid.seeds());
        assertTrue(
                train.stream()
                        .allMatch(
                                c ->
                                        c.dataset().equals("fashion-mnist")
                                                && c.width() == 0.125
                                                && c.device().equals("cpu")
                                                && c.hooks().enabled()));
        assertEquals(
                "train-gn-leaky_relu-bs8-w0.125-cpu-s0",
                train.stream()
                        .filter(
                                c ->
                                        c.norm().equals("gn")
                                                && c.activation().equals("leaky_relu")
                                                && c.batchSize() == 8)
                        .findFirst()
                        .orElseThrow()
                        .cellId());
    }

    @Test
    void cpuSmokeTimesBnAndGnAtFullWidthOnCpu() throws Exception {
        List<CellSpec> throughput = ofKind(parse("cpu-smoke.yaml"), CellKind.THROUGHPUT);

        assertEquals(4, throughput.size());
        assertEquals(Set.of("bn/relu", "gn/relu"), variants(throughput));
        assertTrue(
                throughput.stream()
                        .allMatch(
                                c ->
                                        c.width() == 1.0
                                                && c.device().equals("cpu")
                                                && !c.hooks().enabled()));
        assertEquals(Budget.steps(13), throughput.get(0).budget());
    }

    @Test
    void cpuStudyTrainsAllEightVariantsAtBatch2And8And32ForEqualEpochsWithHooks() throws Exception {
        Grid grid = parse("cpu-study.yaml");
        List<CellSpec> train = ofKind(grid, CellKind.TRAIN);

        assertEquals("cpu-study", grid.name());
        assertEquals(72, train.size(), "8 variants x 3 batch sizes x 3 seeds");
        assertEquals(
                Set.of(0L, 1L, 2L),
                train.stream().map(CellSpec::seed).collect(Collectors.toSet()),
                "3 seeds: fewer makes every finding inconclusive");
        assertEquals(
                train.size(),
                grid.cells().size(),
                "no throughput cells: the study's time goes to training");
        assertEquals(ALL_EIGHT, variants(train));
        assertEquals(
                Set.of(2, 8, 32),
                train.stream().map(CellSpec::batchSize).collect(Collectors.toSet()));
        assertTrue(
                train.stream()
                        .allMatch(
                                c ->
                                        c.dataset().equals("fashion-mnist")
                                                && c.width() == 0.125
                                                && c.device().equals("cpu")
                                                && c.hooks().enabled()
                                                && c.budget().equals(Budget.epochs(3))));
        CellSpec bs2 = train.stream().filter(c -> c.batchSize() == 2).findFirst().orElseThrow();
        CellSpec bs32 = train.stream().filter(c -> c.batchSize() == 32).findFirst().orElseThrow();
        assertEquals(
                16 * bs2.scaledLr(),
                bs32.scaledLr(),
                1e-12,
                "learning rate scaled linearly with the batch");
    }

    @Test
    void fullTrainsAllVariantsAtEveryBatchSizeWithThreeSeedsOnGpuForEqualEpochs() throws Exception {
        Grid grid = parse("full.yaml");
        List<CellSpec> train = ofKind(grid, CellKind.TRAIN);

        assertEquals(8 * 7 * 3, train.size());
        assertEquals(ALL_EIGHT, variants(train));
        assertEquals(List.of(0L, 1L, 2L), grid.seeds());
        assertEquals("auto", grid.document().get("jobs"), "cells side by side on the GPU");
        assertEquals(
                Set.of(2, 4, 8, 16, 32, 64, 128),
                train.stream().map(CellSpec::batchSize).collect(Collectors.toSet()));
        assertTrue(
                train.stream()
                        .allMatch(
                                c ->
                                        c.dataset().equals("cifar10")
                                                && c.width() == 1.0
                                                && c.device().equals("gpu:0")
                                                && c.budget().equals(Budget.epochs(30))));
        CellSpec bs128 = train.stream().filter(c -> c.batchSize() == 128).findFirst().orElseThrow();
        CellSpec bs2 = train.stream().filter(c -> c.batchSize() == 2).findFirst().orElseThrow();
        assertEquals(0.1, bs128.scaledLr(), 1e-12);
        assertEquals(0.1 * 2 / 128, bs2.scaledLr(), 1e-12);
    }

    @Test
    void fullTimesOnCpuAndGpu() throws Exception {
        List<CellSpec> throughput = ofKind(parse("full.yaml"), CellKind.THROUGHPUT);

        assertEquals(4 * 4 * 2, throughput.size());
        assertEquals(
                Set.of("cpu", "gpu:0"),
                throughput.stream().map(CellSpec::device).collect(Collectors.toSet()));
    }

    @Test
    void examplesParse() throws Exception {
        Grid options = parse("examples/norm-options.yaml");
        assertEquals(4 * 2 * 2 * 2, options.cells().size());
        Set<String> normIds =
                options.cells().stream()
                        .map(c -> c.cellId().split("-")[1])
                        .collect(Collectors.toSet());
        assertEquals(
                4,
                normIds.size(),
                "gn, gn with 8 groups and gn with 1 group get distinct ids: " + normIds);

        Grid diverge = parse("examples/diverge.yaml");
        assertEquals(
                List.of(2, 128),
                diverge.cells().stream().map(CellSpec::batchSize).collect(Collectors.toList()));
        assertEquals(3.2, diverge.cells().get(1).scaledLr(), 1e-12);
        assertEquals(0.05, diverge.cells().get(0).scaledLr(), 1e-12);
    }

    @Test
    void everyShippedGridHasUniqueIds() throws Exception {
        for (String file :
                List.of(
                        "cpu-smoke.yaml",
                        "cpu-study.yaml",
                        "full.yaml",
                        "examples/norm-options.yaml",
                        "examples/diverge.yaml")) {
            List<String> ids =
                    parse(file).cells().stream().map(CellSpec::cellId).collect(Collectors.toList());
            assertEquals(ids.size(), Set.copyOf(ids).size(), file);
        }
    }

    @Test
    void documentKeepsTheGridAsGivenForTheManifest() throws Exception {
        Grid grid = parse("cpu-smoke.yaml");
        Map<String, Object> train = castMap(grid.document().get("train"));

        assertEquals("fashion-mnist", grid.document().get("dataset"));
        assertEquals(List.of(2L, 8L, 32L), train.get("batch_sizes"));
        assertEquals(0.125, train.get("width"));
        assertEquals(Files.readString(gridsDir().resolve("cpu-smoke.yaml")), grid.yaml());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
