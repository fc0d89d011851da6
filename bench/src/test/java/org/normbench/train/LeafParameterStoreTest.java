package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

class LeafParameterStoreTest {
    private static final int STEPS = 4;

    /**
     * The learner (fresh gradient per step) against DJL's textbook loop (gradients on the stored
     * arrays, zeroed by the fused SGD update, accumulated into by the next backward pass): same
     * initial weights, same batches in the same order, same schedule. Every parameter and running
     * statistic must come out bit for bit the same; a gradient that leaked from one step into the
     * next, or a step's update applied twice or not at all, would not.
     */
    @Test
    void learnerTrainsTheSameParametersAsDjlsZeroedGradientLoop() {
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(8)
                        .baseLr(0.1)
                        .referenceBatchSize(8)
                        .maxSteps(STEPS)
                        .warmupFraction(0.25)
                        .statsEverySteps(0)
                        .timerWarmupSteps(0)
                        .seed(11)
                        .build();
        BatchSource data = TestModels.synthetic(64, 5);

        Block learned = TestModels.resnet18(0.125, false);
        List<Double> learnerLosses;
        List<float[]> learnerParams;
        StandardCallbacks standard = StandardCallbacks.of(cfg);
        try (Learner l = new Learner(learned, cfg, data, null, standard.with())) {
            assertEquals(STEPS, l.fit().steps());
            learnerLosses = standard.recorder().losses();
            learnerParams = values(learned);
        }

        Engine engine = TorchRuntime.engine();
        Block reference = TestModels.resnet18(0.125, false);
        List<Double> referenceLosses = new ArrayList<>();
        List<float[]> referenceParams;
        try (NDManager root = engine.newBaseManager(cfg.device())) {
            engine.setRandomSeed((int) cfg.seed());
            reference.initialize(
                    root,
                    DataType.FLOAT32,
                    new Shape(cfg.batchSize(), data.channels(), data.height(), data.width()));
            ParameterStore store = new ParameterStore(root, false);
            double[] lr = new double[1];
            Optimizer sgd =
                    Optimizer.sgd()
                            .setLearningRateTracker((id, n) -> (float) lr[0])
                            .optMomentum((float) cfg.optimizer().momentum())
                            .optWeightDecays((float) cfg.optimizer().weightDecay())
                            .build();
            Loss loss = Loss.softmaxCrossEntropyLoss();
            int step = 0;
            try (BatchFeeder feeder =
                    new BatchFeeder(
                            data,
                            cfg.batchSize(),
                            BatchFeeder.epochOrder(data.size(), cfg.seed(), 0),
                            BatchFeeder.epochAugmentation(cfg.seed(), 0),
                            2)) {
                while (step < STEPS && feeder.hasNext()) {
                    BatchFeeder.HostBatch b = feeder.next();
                    step++;
                    lr[0] = LrSchedule.at(step, STEPS, cfg.lr(), cfg.warmupFraction());
                    try (NDManager s = root.newSubManager()) {
                        NDArray x =
                                s.create(
                                        b.images(),
                                        new Shape(
                                                b.size(),
                                                data.channels(),
                                                data.height(),
                                                data.width()));
                        NDArray y = s.create(b.labels()).toType(DataType.INT64, false);
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            NDArray logits =
                                    reference
                                            .forward(store, new NDList(x), true)
                                            .singletonOrThrow();
                            NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                            referenceLosses.add((double) l.getFloat());
                            gc.backward(l);
                        }
                        for (Pair<String, Parameter> p : reference.getParameters()) {
                            if (p.getValue().requiresGradient()) {
                                NDArray w = p.getValue().getArray();
                                NDArray g = w.getGradient();
                                g.attach(s);
                                sgd.update(p.getValue().getId(), w, g);
                            }
                        }
                    }
                }
            }
            referenceParams = values(reference);
        }

        assertEquals(referenceLosses, learnerLosses);
        assertEquals(referenceParams.size(), learnerParams.size());
        for (int i = 0; i < referenceParams.size(); i++) {
            assertArrayEquals(referenceParams.get(i), learnerParams.get(i), "parameter " + i);
        }
        assertFalse(
                Arrays.equals(referenceParams.get(0), initialFirstParameter(cfg, data)),
                "training must move the weights");
    }

    /**
     * In a step every trainable parameter is a view of one fresh leaf of the flat buffer, in its
     * own shape and with its stored values; the backward pass leaves one gradient of the whole
     * buffer: here of {@code sum(w * w)} for one parameter {@code w}, so {@code 2 w} in that
     * parameter's slice and exactly 0 everywhere else (parameters the forward pass did not use).
     * Outside a step the store hands out the stored arrays.
     */
    @Test
    void aStepsParametersAreViewsOfOneLeafWhoseGradientIsFlat() {
        TrainConfig cfg = TestModels.oneStep(5);
        Block model = TestModels.resnet18(0.125, false);
        try (Learner l = new Learner(model, cfg, TestModels.synthetic(16, 1), null, List.of());
                NDManager step = TorchRuntime.engine().newBaseManager(cfg.device())) {
            FlatSgd sgd = l.flatSgd();
            LeafParameterStore store = new LeafParameterStore(step, sgd);
            List<Parameter> trainable = sgd.parameters();
            int k = trainable.size() / 2;
            Parameter used = trainable.get(k);
            assertSame(
                    used.getArray(),
                    store.getValue(used, cfg.device(), true),
                    "no step: the stored array");
            boolean gradMode = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            try (NDManager scope = step.newSubManager()) {
                store.beginStep(scope);
                for (Parameter p : trainable) {
                    NDArray v = store.getValue(p, cfg.device(), true);
                    assertEquals(p.getShape(), v.getShape());
                    assertArrayEquals(p.getArray().toFloatArray(), v.toFloatArray());
                }
                NDArray w = store.getValue(used, cfg.device(), true);
                assertSame(w, store.getValue(used, cfg.device(), true), "one view per step");
                NDArray loss = w.mul(w).sum();
                JniUtils.backward(
                        (PtNDArray) loss, (PtNDArray) scope.ones(loss.getShape()), false, false);
                float[] g = store.flatGradient().toFloatArray();
                float[] expected = new float[g.length];
                long offset = 0;
                for (int i = 0; i < k; i++) {
                    offset += trainable.get(i).getShape().size();
                }
                float[] values = used.getArray().toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    expected[(int) offset + i] = 2 * values[i];
                }
                assertArrayEquals(expected, g);
                store.endStep();
            } finally {
                JniUtils.setGradMode(gradMode);
            }
            assertSame(used.getArray(), store.getValue(used, cfg.device(), true), "after the step");
        }
    }

    /** Every parameter (trainable and running statistics) as host floats, in the block's order. */
    private static List<float[]> values(Block b) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : b.getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static float[] initialFirstParameter(TrainConfig cfg, BatchSource data) {
        Engine engine = TorchRuntime.engine();
        Block b = TestModels.resnet18(0.125, false);
        try (NDManager m = engine.newBaseManager(cfg.device())) {
            engine.setRandomSeed((int) cfg.seed());
            b.initialize(
                    m,
                    DataType.FLOAT32,
                    new Shape(cfg.batchSize(), data.channels(), data.height(), data.width()));
            return b.getParameters().get(0).getValue().getArray().toFloatArray();
        }
    }
}
