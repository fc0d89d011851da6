package org.normbench.analysis.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.analysis.load.Run;
import org.normbench.analysis.load.RunLoader;
import org.normbench.analysis.stats.Difference;
import org.normbench.analysis.synth.SyntheticRun;
import org.normbench.analysis.synth.SyntheticRun.Effects;

class FindingsTest {
    @TempDir Path runs;

    private Findings.Result findings(SyntheticRun.Spec spec) throws IOException {
        return Findings.evaluate(RunLoader.load(SyntheticRun.write(runs, spec)));
    }

    private static Set<Verdict> verdicts(Findings.Result r, Claim claim) {
        return r.findings().stream()
                .filter(f -> f.claim() == claim)
                .map(Finding::verdict)
                .collect(Collectors.toSet());
    }

    @Test
    void thePublishedEffectsOverThreeSeedsAreReproduced() throws IOException {
        Findings.Result r =
                findings(SyntheticRun.Spec.findings("published", 3, Effects.published()));
        for (Claim claim : Claim.ALL) {
            assertEquals(Set.of(Verdict.REPRODUCED), verdicts(r, claim), claim.id());
        }
        Finding bn = r.findings().get(0);
        assertEquals(Claim.BN_DEGRADES, bn.claim());
        assertEquals("relu", bn.activation());
        assertEquals(2, bn.batchSize());
        assertEquals(32, bn.otherBatchSize());
        assertEquals(3, bn.effect().n());
        assertEquals(Difference.PAIRED, bn.effect().pairing());
        assertTrue(
                bn.effect().estimate() < -0.2,
                "BN loses ~26 accuracy points at batch 2: " + bn.effect());
        assertEquals(List.of(), r.notes(), "batch 2 and 32 are present");
    }

    @Test
    void reversedEffectsAreContradictedAndShownAsSuch() throws IOException {
        // BN better at batch 2, GN 6 points worse, RBN far worse than BN, ReLU with fewer zeros
        // than LeakyReLU.
        Findings.Result r =
                findings(
                        SyntheticRun.Spec.findings(
                                "reversed", 3, new Effects(-5, 6, 30, -0.3, 0.35)));
        assertEquals(Set.of(Verdict.CONTRADICTED), verdicts(r, Claim.BN_DEGRADES));
        assertEquals(Set.of(Verdict.CONTRADICTED), verdicts(r, Claim.GN_HOLDS));
        assertEquals(Set.of(Verdict.CONTRADICTED), verdicts(r, Claim.LN_HOLDS));
        assertEquals(Set.of(Verdict.CONTRADICTED), verdicts(r, Claim.RBN_CLOSES_GAP));
        assertEquals(Set.of(Verdict.CONTRADICTED), verdicts(r, Claim.RELU_ZERO));
        Finding rbn =
                r.findings().stream()
                        .filter(f -> f.claim() == Claim.RBN_CLOSES_GAP)
                        .findFirst()
                        .orElseThrow();
        assertTrue(rbn.reason().contains("against the expectation > 0"), rbn.reason());
        // No invented ReLU excess: no channel is dead with either activation, and the reason says
        // so rather than only that the interval [0, 0] contains 0.
        for (Finding f : r.findings()) {
            if (f.claim() == Claim.RELU_DEAD_WINDOW) {
                assertEquals(Verdict.INCONCLUSIVE, f.verdict());
                assertEquals(
                        "the 95% CI contains 0: dead_channel_frac_window is 0 for both activations"
                                + " in every seed",
                        f.reason());
            }
        }
        assertTrue(
                Wording.sentence(
                                Claim.RELU_ZERO,
                                r.findings().stream()
                                        .filter(f -> f.claim() == Claim.RELU_ZERO)
                                        .toList())
                        .endsWith(Wording.BY_CONSTRUCTION),
                "the zero_frac verdict always carries why it is no evidence of dying");
    }

    @Test
    void twoSeedsOrAnIntervalAcrossZeroAreInconclusive() throws IOException {
        Findings.Result two =
                findings(SyntheticRun.Spec.findings("two-seeds", 2, Effects.published()));
        for (Claim claim : Claim.ALL) {
            assertEquals(Set.of(Verdict.INCONCLUSIVE), verdicts(two, claim), claim.id());
        }
        // No BN effect, and seed noise (3 points) far larger than RBN's 0.3-point edge.
        Findings.Result noisy =
                findings(SyntheticRun.Spec.findings("noisy", 3, new Effects(0, 0, 0, 0.45, 3.0)));
        assertEquals(Set.of(Verdict.INCONCLUSIVE), verdicts(noisy, Claim.BN_DEGRADES));
        assertEquals(Set.of(Verdict.INCONCLUSIVE), verdicts(noisy, Claim.RBN_CLOSES_GAP));
        noisy.findings().stream()
                .filter(f -> f.claim() == Claim.BN_DEGRADES)
                .forEach(f -> assertEquals("the 95% CI contains 0", f.reason()));
    }

    @Test
    void eachProtocolGetsItsOwnFindings() throws IOException {
        Findings.Result r =
                findings(
                        SyntheticRun.Spec.findings("protocols", 3, Effects.published())
                                .withProtocols(List.of("fixed", "linear_scaling")));
        assertEquals(List.of("linear_scaling", "fixed"), r.protocols());
        long perProtocol = r.findings().stream().filter(f -> f.protocol().equals("fixed")).count();
        assertEquals(r.findings().size(), 2 * perProtocol);
        assertTrue(
                r.findings().stream().allMatch(f -> f.effect().n() == 3),
                "cells of one protocol are never mixed");
    }

    @Test
    void eachModelGetsItsOwnFindingsAndModelsAreNeverAveragedTogether() throws IOException {
        Findings.Result r =
                findings(
                        SyntheticRun.Spec.findings("models", 3, Effects.published())
                                .withModels(List.of("resnet18", "lesson_cnn")));
        assertEquals(
                List.of(
                        "lesson_cnn, fashion-mnist, width 0.25, cpu",
                        "resnet18, fashion-mnist, width 0.25, cpu"),
                r.settings(),
                "equal cell counts: alphabetical");
        for (String setting : r.settings()) {
            Findings.Result one = r.inSetting(setting);
            assertEquals(r.findings().size(), 2 * one.findings().size(), setting);
            assertEquals(
                    Set.of(setting.substring(0, setting.indexOf(','))),
                    one.findings().stream().map(Finding::model).collect(Collectors.toSet()));
            for (Claim claim : List.of(Claim.BN_DEGRADES, Claim.RELU_ZERO)) {
                assertEquals(Set.of(Verdict.REPRODUCED), verdicts(one, claim), claim.id());
            }
        }
        assertTrue(
                r.findings().stream().allMatch(f -> f.effect().n() == 3),
                "3 seeds per model: cells of two models are never paired or pooled");
    }

    @Test
    void aRunWithoutTheNewMeasuresSaysItsDeadUnitClaimsCannotBeEvaluated() throws IOException {
        Findings.Result r =
                findings(
                        SyntheticRun.Spec.findings("old", 3, Effects.published())
                                .withoutNewColumns());
        assertEquals(
                List.of("linear_scaling"),
                r.protocols(),
                "no lr_protocol column means linear scaling");
        assertEquals(Set.of(Verdict.NOT_EVALUABLE), verdicts(r, Claim.RELU_ZERO));
        Finding f =
                r.findings().stream()
                        .filter(x -> x.claim() == Claim.RELU_ZERO)
                        .findFirst()
                        .orElseThrow();
        assertTrue(f.reason().startsWith("activations.csv has no zero_frac values"), f.reason());
        assertEquals(
                Set.of(Verdict.REPRODUCED),
                verdicts(r, Claim.BN_DEGRADES),
                "accuracy claims still evaluate");
    }

    @Test
    void otherBatchSizesAreUsedAndNamedWhenTwoAndThirtyTwoAreAbsent() throws IOException {
        SyntheticRun.Spec base = SyntheticRun.Spec.findings("b8", 3, Effects.published());
        SyntheticRun.Spec spec =
                new SyntheticRun.Spec(
                        "b8",
                        List.of(4, 8, 64),
                        base.norms(),
                        base.activations(),
                        3,
                        base.steps(),
                        1,
                        10,
                        3,
                        40,
                        false,
                        false,
                        false,
                        base.effects(),
                        base.lrProtocols(),
                        true,
                        "synthetic",
                        base.models());
        Findings.Result r = findings(spec);
        assertEquals(4, r.findings().get(0).batchSize());
        assertEquals(64, r.findings().get(0).otherBatchSize());
        assertEquals(1, r.notes().size());
        assertTrue(r.notes().get(0).contains("smallest (4) and largest (64)"), r.notes().get(0));
    }

    @Test
    void findingsCsvIsTidyWithOneRowPerFinding() throws IOException {
        Path dir =
                SyntheticRun.write(runs, SyntheticRun.Spec.findings("csv", 3, Effects.published()));
        Run run = RunLoader.load(dir);
        Findings.Result r = Findings.evaluate(run);
        Path csv = dir.resolve("findings.csv");
        Findings.writeCsv(csv, r, false);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(String.join(",", Findings.CSV_COLUMNS), lines.get(0));
        assertEquals(r.findings().size() + 1, lines.size());
        assertTrue(lines.get(1).startsWith("bn_small_batch_degrades,"), lines.get(1));
        assertTrue(lines.get(1).contains(",reproduced,"), lines.get(1));
        assertTrue(lines.get(1).endsWith(",false"), lines.get(1));
        assertFalse(Files.exists(dir.resolve(".findings.csv.tmp")));
    }

    @Test
    void smokeProfilesSingleSeedsAndTinyBudgetsAreFlaggedAtTheTop() throws IOException {
        Run good =
                RunLoader.load(
                        SyntheticRun.write(
                                runs, SyntheticRun.Spec.findings("good", 3, Effects.published())));
        assertTrue(
                RunAdequacy.of(good).supportsClaims(),
                RunAdequacy.of(good).shortfalls().toString());
        Run smoke =
                RunLoader.load(
                        SyntheticRun.write(
                                runs,
                                SyntheticRun.Spec.findings("smoke", 1, Effects.published())
                                        .withProfile("cpu-smoke")));
        List<String> why = RunAdequacy.of(smoke).shortfalls();
        assertEquals(2, why.size(), why.toString());
        assertTrue(why.get(0).startsWith("1 finished seed per grid point"), why.get(0));
        assertTrue(why.get(1).contains("'cpu-smoke' is a smoke test"), why.get(1));
        JsonNode grid =
                new ObjectMapper().readTree("{\"train_limit\": 2000, \"train\": {\"epochs\": 1}}");
        assertEquals(2000, RunAdequacy.trainingImages(grid));
    }
}
