package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.grid.CellKind;

/**
 * {@code normbench compare} on small runs this test writes with the real run writer ({@link
 * RunDirectory}), so it depends on no committed reference run (those are regenerated): a run
 * against itself is bit-for-bit in every train cell; one changed accuracy in a one-seed run differs
 * and the differing CPU is named; with several seeds, a change inside twice the seed spread
 * reproduces and one outside does not.
 */
class RunComparisonTest {
    private static final String CHANGED = "train-bn-relu-bs32-s0";

    @TempDir Path runs;

    @Test
    void aRunReproducesItselfBitForBit() throws Exception {
        Path a = run("a", "AMD EPYC", 1, Map.of());
        RunComparison.Result r = RunComparison.compare(a, a);
        assertEquals(4, r.count(RunComparison.Verdict.BIT_FOR_BIT));
        assertEquals(
                1, r.count(RunComparison.Verdict.NOT_COMPARABLE), "throughput cells are timings");
        assertEquals(5, r.cells().size());
        assertTrue(r.reproduced());
        assertEquals(List.of(), r.facts());
        assertTrue(RunComparison.render(r).contains("verdict: B reproduces A"));
    }

    @Test
    void aChangedCellDiffersAndTheDifferingCpuIsNamed() throws Exception {
        Path a = run("a", "AMD EPYC", 1, Map.of());
        Path b = run("b", "Intel(R) Xeon(R) Processor", 1, Map.of(CHANGED, -0.044));

        RunComparison.Result r = RunComparison.compare(a, b);
        assertEquals(1, r.count(RunComparison.Verdict.DIFFER));
        assertEquals(3, r.count(RunComparison.Verdict.BIT_FOR_BIT));
        RunComparison.CellDiff d = differing(r).get(0);
        assertEquals(CHANGED, d.cellId());
        assertEquals(-0.044, d.accB() - d.accA(), 1e-6);
        assertEquals("one seed per run: no spread to judge by", d.note());
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

    @Test
    void withSeedsAChangeInsideTwiceTheSpreadReproducesAndOneOutsideDoesNot() throws Exception {
        // Seeds 0, 1, 2 of each configuration score base, base + 0.02, base + 0.04: sd 0.02.
        Path a = run("a", "AMD EPYC", 3, Map.of());
        Path inside = run("inside", "AMD EPYC", 3, Map.of(CHANGED, 0.039));
        Path outside = run("outside", "AMD EPYC", 3, Map.of(CHANGED, 0.05));

        RunComparison.Result in = RunComparison.compare(a, inside);
        assertEquals(1, in.count(RunComparison.Verdict.WITHIN_SPREAD));
        assertEquals(0, in.count(RunComparison.Verdict.DIFFER));
        assertTrue(in.reproduced());

        RunComparison.Result out = RunComparison.compare(a, outside);
        assertEquals(1, out.count(RunComparison.Verdict.DIFFER));
        RunComparison.CellDiff d = differing(out).get(0);
        assertEquals(CHANGED, d.cellId());
        assertEquals(0.02, d.spread(), 1e-9, "the larger of the two runs' seed sd");
        assertEquals("", d.note(), "with seeds the spread, not a note, decides");
        assertTrue(!out.reproduced());
    }

    private static List<RunComparison.CellDiff> differing(RunComparison.Result r) {
        return r.cells().stream().filter(c -> c.verdict() == RunComparison.Verdict.DIFFER).toList();
    }

    /**
     * A run of 2 norms x 2 batch sizes x {@code seeds} train cells plus one throughput cell, on a
     * machine with {@code cpu}; {@code shift} adds to the test accuracy of the named cells.
     */
    private Path run(String id, String cpu, int seeds, Map<String, Double> shift) throws Exception {
        RunDirectory run = RunDirectory.open(runs, id);
        List<String> norms = List.of("bn", "gn");
        List<Integer> batches = List.of(2, 32);
        for (int seed = 0; seed < seeds; seed++) {
            for (String norm : norms) {
                for (int bs : batches) {
                    String cellId = "train-" + norm + "-relu-bs" + bs + "-s" + seed;
                    double acc =
                            0.5
                                    + 0.1 * norms.indexOf(norm)
                                    + 0.05 * batches.indexOf(bs)
                                    + 0.02 * seed
                                    + shift.getOrDefault(cellId, 0.0);
                    run.writeCell(cell(cellId, "train", norm, bs, seed, acc));
                }
            }
        }
        run.writeCell(cell("throughput-bn-relu-bs32-s0", "throughput", "bn", 32, 0, Double.NaN));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schema_version", ResultsSchema.VERSION);
        manifest.put("run_id", id);
        manifest.put("cpu", Map.of("model", cpu));
        manifest.put("grid_sha256", "same-grid");
        run.writeManifest(manifest);
        run.rebuildAggregates();
        return run.root();
    }

    private static CellOutput cell(
            String id, String kind, String norm, int batchSize, int seed, double accuracy) {
        boolean train = kind.equals("train");
        CellOutcome row =
                new CellOutcome.Builder()
                        .cellId(id)
                        .kind(train ? CellKind.TRAIN : CellKind.THROUGHPUT)
                        .norm(norm)
                        .activation("relu")
                        .batchSize(batchSize)
                        .device("cpu")
                        .seed((long) seed)
                        .width(0.125)
                        .dataset(train ? "fashion-mnist" : "random")
                        .status(CellStatus.OK)
                        .steps(3)
                        .finalTrainLoss(train ? 1.5 - accuracy : null)
                        .testLoss(train ? 1.2 - accuracy : null)
                        .testAccuracy(train ? accuracy : null)
                        .imagesPerSecond(train ? null : 80.0 + batchSize)
                        .build();
        List<List<Object>> curves = new ArrayList<>();
        if (train) {
            for (int step = 1; step <= 3; step++) {
                curves.add(Arrays.asList(id, step, 0, 2.0 / step, 0.1, null, null));
            }
        }
        return new CellOutput(id, row, Map.of("norm", norm), curves, List.of(), List.of());
    }

    /**
     * rbn_fuse is named as a difference only where it changed rbn's arithmetic: the default on a
     * machine without GPUs, and runs from before the setting, are both op by op.
     */
    @Test
    void rbnFusionIsNamedOnlyWhereItChangedTheArithmetic() {
        Map<String, Object> before = Map.of("gpus", List.of());
        Map<String, Object> cpuDefault = Map.of("gpus", List.of(), "rbn_fuse", "gpu");
        Map<String, Object> cpuOn = Map.of("gpus", List.of(), "rbn_fuse", "on");
        Map<String, Object> gpuDefault =
                Map.of("gpus", List.of(Map.of("name", "NVIDIA H100")), "rbn_fuse", "gpu");
        assertTrue(labels(RunComparison.factDiffs(before, cpuDefault)).isEmpty());
        assertEquals(
                List.of("rbn step fused: off -> on"),
                labels(RunComparison.factDiffs(cpuDefault, cpuOn)));
        assertEquals(
                List.of("rbn step fused: off -> on GPU cells"),
                labels(RunComparison.factDiffs(before, gpuDefault)).stream()
                        .filter(l -> l.startsWith("rbn"))
                        .toList());
        // A GPU run whose check of the optimised step failed trained rbn op by op.
        Map<String, Object> gpuCheckFailed =
                gpuRunWhoseCheck("failed: step 2 threw: nvrtc; rbn runs op by op");
        Map<String, Object> gpuCheckPassed = gpuRunWhoseCheck("passed: 9 steps against op by op");
        assertEquals(
                List.of("rbn step fused: on GPU cells -> off (its check failed)"),
                labels(RunComparison.factDiffs(gpuCheckPassed, gpuCheckFailed)).stream()
                        .filter(l -> l.startsWith("rbn"))
                        .toList());
        assertTrue(
                labels(RunComparison.factDiffs(gpuDefault, gpuCheckPassed)).stream()
                        .noneMatch(l -> l.startsWith("rbn")),
                "a passed check changes nothing");
    }

    /** A GPU run's manifest with the default rbn_fuse and this outcome of its check on gpu:0. */
    private static Map<String, Object> gpuRunWhoseCheck(String outcome) {
        return Map.of(
                "gpus",
                List.of(Map.of("name", "NVIDIA H100")),
                "rbn_fuse",
                "gpu",
                "rbn_fuse_check",
                Map.of("gpu:0", outcome));
    }

    private static List<String> labels(List<RunComparison.FactDiff> diffs) {
        return diffs.stream().map(d -> d.fact() + ": " + d.a() + " -> " + d.b()).toList();
    }
}
