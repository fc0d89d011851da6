package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;
import org.normbench.model.norms.NormRegistry;

/**
 * Issue 6, "every step's NDArrays are closed": the NDArrays left in the learner's manager tree
 * after a step (parameters, gradients, optimizer state) are as many at step {@value #TO} as at step
 * {@value #FROM}, for each norm, with activation statistics and validation passes in between. Width
 * 0.125 makes the stem and layer1 8-channel convs, so ChannelPaddedConv2d's padding path runs too.
 * Tiny 8x8 images keep it fast; the code paths are those of any input size. A leak of one
 * weight-sized array per step is about 4 KiB; MemorySoak shows what thousands of steps make of it.
 * Runs for every registered norm (plug-ins too). rbn's running state is updated in place every
 * step, the easiest place to leak.
 */
class StepsLeaveNoNDArraysBehindTest {
    private static final int FROM = 6;
    private static final int TO = 18;

    private static Map<Integer, Integer> liveArraysAtFromAndTo(String norm, Callback extra) {
        Map<Integer, Integer> live = new HashMap<>();
        Callback count =
                new Callback() {
                    @Override
                    public void afterBatch(Learner l) {
                        if (l.step() == FROM || l.step() == TO) {
                            live.put(l.step(), LiveArrays.outsideStep(l).size());
                        }
                    }
                };
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(4)
                        .baseLr(0.05)
                        .referenceBatchSize(128)
                        .maxSteps(TO)
                        .statsEverySteps(3)
                        .validateEverySteps(6)
                        .seed(1)
                        .build();
        try (Learner l =
                new Learner(
                        ResNet18.build(ResNetConfig.cifar(norm, "relu").withWidth(0.125)),
                        cfg,
                        new TestModels.Synthetic(32, 3, 8, 8, 10, 1),
                        new TestModels.Synthetic(6, 3, 8, 8, 10, 2),
                        StandardCallbacks.of(cfg).with(count, extra))) {
            FitResult r = l.fit();
            assertEquals(TO, r.steps(), norm + ": " + r.status() + " " + r.message());
        }
        return live;
    }

    /** Every registered norm, plug-ins included. */
    static List<String> norms() {
        return NormRegistry.names();
    }

    @ParameterizedTest
    @MethodSource("norms")
    void noNDArrayOutlivesItsStep(String norm) {
        Map<Integer, Integer> live = liveArraysAtFromAndTo(norm, new Callback() {});
        assertEquals(
                live.get(FROM),
                live.get(TO),
                norm + ": NDArrays outside the step scope at step " + FROM + " vs " + TO);
    }

    @Test
    void theCountSeesAnArrayLeftInTheModelsManagerEachStep() {
        // An op on a parameter puts its result in the parameter's manager: the mistake this test
        // guards against.
        Callback leak =
                new Callback() {
                    @Override
                    public void afterBatch(Learner l) {
                        NDArray w = l.model().getParameters().valueAt(0).getArray();
                        w.reshape(-1);
                    }
                };
        Map<Integer, Integer> live = liveArraysAtFromAndTo("bn", leak);
        assertEquals(TO - FROM, live.get(TO) - live.get(FROM));
    }
}
