package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;

/**
 * The rbn "divergence" of the cpu-smoke run (NaN loss at a random step at batch 2 and 8) as a
 * training-loop regression: a narrow rbn ResNet18 at batch 2, with a full GC and NaN refill of
 * freed memory between every forward and backward (what a busy JVM does now and then), trains 12
 * steps with a finite loss and finite parameters. Before the fix it failed within the first steps.
 */
class RunningBatchNormTrainingTest {

    @Test
    void narrowRbnResNetAtBatchTwoStaysFiniteWhenTheJvmCollectsBetweenForwardAndBackward() {
        Block model = ResNet18.build(ResNetConfig.cifar("rbn", "relu").withWidth(0.0625));
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(2)
                        .baseLr(0.4)
                        .referenceBatchSize(128)
                        .maxSteps(12)
                        .timerWarmupSteps(1)
                        .statsEverySteps(0)
                        .seed(5)
                        .build();
        Callback collectBetweenForwardAndBackward =
                new Callback() {
                    @Override
                    public void afterLoss(Learner l) {
                        System.gc();
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        List<NDArray> nan = new ArrayList<>();
                        for (int i = 0; i < 500; i++) {
                            nan.add(l.scope().create(new float[] {Float.NaN}));
                            nan.add(l.scope().create(new double[] {Double.NaN}));
                        }
                        nan.forEach(NDArray::close);
                    }
                };
        try (Learner l =
                new Learner(
                        model,
                        cfg,
                        TestModels.synthetic(60, 2),
                        null,
                        StandardCallbacks.of(cfg).with(collectBetweenForwardAndBackward))) {
            FitResult r = l.fit();
            assertEquals(FitResult.Status.OK, r.status(), r.message());
            assertEquals(12, r.steps());
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray w = p.getValue().getArray();
                try (NDManager m = w.getManager().newSubManager()) {
                    NDArray bad = w.isNaN().logicalOr(w.isInfinite()).any();
                    bad.attach(m);
                    assertFalse(bad.getBoolean(), "non-finite values in " + p.getKey());
                }
            }
        }
    }
}
