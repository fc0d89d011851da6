package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearnerTest {

    private static TrainConfig.Builder small() {
        return TrainConfig.builder()
                .batchSize(16)
                .baseLr(0.1)
                .referenceBatchSize(16)
                .timerWarmupSteps(2)
                .statsEverySteps(0);
    }

    @Test
    void twoCpuRunsWithTheSameSeedGiveIdenticalLosses() {
        List<Double> a = losses(7, 6);
        List<Double> b = losses(7, 6);
        assertEquals(6, a.size());
        assertEquals(a, b);
        assertFalse(
                a.subList(0, 2).equals(losses(8, 2)), "a different seed should change the losses");
    }

    private static List<Double> losses(long seed, int steps) {
        TrainConfig cfg =
                small().batchSize(8).maxSteps(steps).seed(seed).statsEverySteps(3).build();
        StandardCallbacks standard = StandardCallbacks.of(cfg);
        try (Learner l =
                new Learner(
                        TestModels.resnet18(0.125, false),
                        cfg,
                        TestModels.synthetic(96, 3),
                        null,
                        standard.with())) {
            l.fit();
        }
        return standard.recorder().losses();
    }

    @Test
    void divergenceGuardStopsTheFitAndMarksItDiverged() {
        TrainConfig cfg = small().maxSteps(50).divergenceLossBound(0.5).build();
        StandardCallbacks standard = StandardCallbacks.of(cfg);
        try (Learner l =
                new Learner(
                        TestModels.resnet18(0.125, false),
                        cfg,
                        TestModels.synthetic(64, 1),
                        null,
                        standard.with())) {
            FitResult r = l.fit();
            assertEquals(FitResult.Status.DIVERGED, r.status());
            assertEquals(1, r.steps());
            assertTrue(r.message().contains("above bound 0.5"), r.message());
            assertEquals(
                    1,
                    standard.recorder().curve().size(),
                    "the diverged step's loss is on the curve");
        }
    }

    @Test
    void theLearnerRunsExactlyItsCallbacksByOrderThenListOrder() {
        List<String> events = new ArrayList<>();
        TrainConfig cfg = small().batchSize(8).maxSteps(1).build();
        try (Learner l =
                new Learner(
                        TestModels.resnet18(0.125, false),
                        cfg,
                        TestModels.synthetic(8, 1),
                        null,
                        List.of(
                                named("a", 50, events),
                                named("b", 50, events),
                                named("first", 10, events)))) {
            l.fit();
            assertEquals(cfg.lr(), l.lr(), 1e-12, "no schedule unless one is passed: the peak lr");
        }
        assertEquals(List.of("first", "a", "b"), events);
    }

    /** A callback of {@code order} that logs its name before each batch. */
    private static Callback named(String name, int order, List<String> events) {
        return new Callback() {
            @Override
            public int order() {
                return order;
            }

            @Override
            public void beforeBatch(Learner l) {
                events.add(name);
            }
        };
    }

    @Test
    void callbacksSeeEventsInOrderAndCanCancelBatchesAndTheFit() {
        List<String> events = new ArrayList<>();
        Callback spy =
                new Callback() {
                    @Override
                    public void beforeFit(Learner l) {
                        events.add("beforeFit");
                    }

                    @Override
                    public void beforeEpoch(Learner l) {
                        events.add("beforeEpoch" + l.epoch());
                    }

                    @Override
                    public void beforeBatch(Learner l) {
                        events.add("beforeBatch" + l.step());
                        if (l.step() == 2) {
                            throw new CancelBatchException("skip 2");
                        }
                    }

                    @Override
                    public void afterLoss(Learner l) {
                        events.add("afterLoss");
                    }

                    @Override
                    public void afterBackward(Learner l) {
                        events.add("afterBackward");
                    }

                    @Override
                    public void afterStep(Learner l) {
                        events.add("afterStep");
                        if (l.step() == 5) {
                            throw new CancelFitException("enough");
                        }
                    }

                    @Override
                    public void afterBatch(Learner l) {
                        events.add("afterBatch");
                    }

                    @Override
                    public void afterEpoch(Learner l) {
                        events.add("afterEpoch" + l.epoch());
                    }

                    @Override
                    public void afterFit(Learner l) {
                        events.add("afterFit");
                    }
                };
        TrainConfig cfg = small().batchSize(8).maxSteps(100).build();
        Block model = TestModels.resnet18(0.125, false);
        try (Learner l = new Learner(model, cfg, TestModels.synthetic(24, 1), null, List.of(spy))) {
            FitResult r = l.fit();
            assertEquals(5, r.steps());
            assertEquals("enough", r.message());
            assertEquals(FitResult.Status.OK, r.status());
        }
        assertEquals(
                List.of(
                        "beforeFit",
                        "beforeEpoch0",
                        "beforeBatch1",
                        "afterLoss",
                        "afterBackward",
                        "afterStep",
                        "afterBatch",
                        "beforeBatch2",
                        "afterBatch",
                        "beforeBatch3",
                        "afterLoss",
                        "afterBackward",
                        "afterStep",
                        "afterBatch",
                        "afterEpoch0",
                        "beforeEpoch1",
                        "beforeBatch4",
                        "afterLoss",
                        "afterBackward",
                        "afterStep",
                        "afterBatch",
                        "beforeBatch5",
                        "afterLoss",
                        "afterBackward",
                        "afterStep",
                        "afterFit"),
                events);
    }

    @Test
    void invalidConfigNamesTheFieldTheValueAndTheAllowedValues() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TrainConfig.builder().schedule("step").build());
        assertEquals(
                "train config: unknown schedule 'step'; allowed: cosine, constant", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TrainConfig.builder().momentum(1.0).build());
        assertEquals("train config: momentum must be in [0, 1), got 1.0", e.getMessage());
    }

    @Test
    void constantScheduleKeepsThePeakAfterWarmUp() {
        List<Double> lrs = new ArrayList<>();
        Callback spy =
                new Callback() {
                    @Override
                    public void afterStep(Learner l) {
                        lrs.add(l.lr());
                    }
                };
        TrainConfig cfg =
                small().batchSize(8).maxSteps(4).warmupFraction(0.5).schedule("constant").build();
        try (Learner l =
                new Learner(
                        TestModels.resnet18(0.125, false),
                        cfg,
                        TestModels.synthetic(32, 1),
                        null,
                        List.of(new LrSchedule(), spy))) {
            l.fit();
        }
        double[] expected = {0.025, 0.05, 0.05, 0.05}; // peak 0.1 * 8 / 16, warm-up 2 of 4 steps
        assertEquals(expected.length, lrs.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], lrs.get(i), 1e-12, "step " + (i + 1));
        }
    }

    @Test
    void learningRateWarmsUpLinearlyThenDecaysByCosineToZero() {
        assertEquals(0.05, LrSchedule.at(5, 100, 0.1, 0.1), 1e-12);
        assertEquals(0.1, LrSchedule.at(10, 100, 0.1, 0.1), 1e-12);
        assertEquals(0.1, LrSchedule.at(11, 100, 0.1, 0.1), 1e-12);
        assertEquals(0.05, LrSchedule.at(56, 100, 0.1, 0.1), 1e-12);
        assertTrue(
                LrSchedule.at(100, 100, 0.1, 0.1) > 0 && LrSchedule.at(100, 100, 0.1, 0.1) < 1e-3);
        assertEquals(0.1, LrSchedule.at(1, 100, 0.1, 0.0), 1e-12);
        for (int s = 12; s <= 100; s++) {
            assertTrue(
                    LrSchedule.at(s, 100, 0.1, 0.1) < LrSchedule.at(s - 1, 100, 0.1, 0.1),
                    "decreasing at " + s);
        }
        assertEquals(
                0.025,
                TrainConfig.builder()
                        .batchSize(32)
                        .baseLr(0.1)
                        .referenceBatchSize(128)
                        .build()
                        .lr(),
                1e-12);
    }
}
