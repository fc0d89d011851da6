package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.normbench.datasets.DatasetLoader;
import org.normbench.datasets.DatasetRequest;
import org.normbench.datasets.DatasetSplits;

/** Learning on the embedded Fashion-MNIST subset (1,000 train / 200 test images, no fetch). */
class LearnerOnSubsetTest {

    @Test
    void lossDecreasesAndTestAccuracyIsWellAboveChanceWithinFourEpochs() {
        DatasetSplits splits =
                DatasetLoader.load(
                        DatasetRequest.of("fashion-mnist-subset").withFitCifarStem(true));
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(32)
                        .baseLr(0.1)
                        .referenceBatchSize(32)
                        .epochs(4)
                        .statsEverySteps(0)
                        .seed(1)
                        .build();
        StandardCallbacks standard = StandardCallbacks.of(cfg);
        try (Learner l =
                new Learner(
                        TestModels.resnet18(0.125, false), cfg, splits, true, standard.with())) {
            FitResult r = l.fit();
            assertEquals(FitResult.Status.OK, r.status(), r.message());
            assertEquals(4 * (splits.train().size() / 32), r.steps());
            Recorder rec = standard.recorder();
            double first = rec.curve().get(0).trainLoss();
            assertTrue(
                    rec.finalTrainLoss() < 0.6 * first,
                    "loss " + first + " -> " + rec.finalTrainLoss());
            Evaluation test = l.evaluate(splits.test());
            assertEquals(splits.test().size(), test.count());
            assertTrue(
                    test.accuracy() >= 0.5, "test accuracy " + test.accuracy() + " (chance 0.1)");
            assertTrue(
                    l.lastValidation().accuracy() >= 0.5,
                    "validation accuracy " + l.lastValidation());
        }
    }
}
