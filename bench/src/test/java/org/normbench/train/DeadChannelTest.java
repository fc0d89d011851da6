package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normbench.datasets.DatasetLoader;
import org.normbench.datasets.DatasetRequest;
import org.normbench.datasets.DatasetSplits;
import org.normbench.hooks.ActivationRow;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;
import org.normbench.model.activations.ActivationOptions;

/**
 * The dying-ReLU finding, as the recorded statistics show it: trained hard (high learning rate) on
 * the embedded subset, a tiny ResNet18 with ReLU ends with a larger share of dead channels (output
 * {@code <= 0} for the whole batch) in its stem and residual blocks than the same network with
 * LeakyReLU, whose negative slope keeps a gradient flowing so channels can come back. Asserts the
 * direction only. Slope 0.1 (fastai's GeneralRelu leak) rather than PyTorch's 0.01 so that the
 * recovery shows within a few hundred steps.
 */
class DeadChannelTest {
    private static final int STEPS = 160;

    @Test
    void reluEndsWithMoreDeadChannelsThanLeakyRelu() {
        DatasetSplits splits =
                DatasetLoader.load(
                        DatasetRequest.of("fashion-mnist-subset").withFitCifarStem(true));
        double relu = lateDeadChannelFrac(splits, "relu");
        double leaky = lateDeadChannelFrac(splits, "leaky_relu");
        assertTrue(relu > leaky, "dead-channel share relu " + relu + " vs leaky_relu " + leaky);
    }

    /** Mean dead-channel share over all hooked layers and the logged steps of the second half. */
    private static double lateDeadChannelFrac(DatasetSplits splits, String activation) {
        ResNetConfig model =
                ResNetConfig.cifar("bn", activation)
                        .withWidth(0.125)
                        .withActOptions(new ActivationOptions(0.1, Map.of()));
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(16)
                        .baseLr(0.4)
                        .referenceBatchSize(16)
                        .maxSteps(STEPS)
                        .warmupFraction(0.05)
                        .statsEverySteps(STEPS / 8)
                        .divergenceLossBound(1e6)
                        .seed(2)
                        .build();
        try (Learner l = new Learner(ResNet18.build(model), cfg, splits, true, List.of())) {
            FitResult r = l.fit();
            assertEquals(FitResult.Status.OK, r.status(), r.message());
            return r.activations().stream()
                    .filter(a -> a.step() > STEPS / 2)
                    .mapToDouble(ActivationRow::deadChannelFrac)
                    .average()
                    .orElseThrow();
        }
    }
}
