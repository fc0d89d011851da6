package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.normbench.grid.CellSpec;
import org.normbench.grid.GridParser;
import org.normbench.harness.RegistryVocabulary;
import org.normbench.hooks.HistogramSpec;

/** A grid cell's settings, none of them at its default, all arrive in its training config. */
class TrainConfigOfCellTest {

    private static CellSpec cell(String budget) throws Exception {
        return GridParser.parse(
                        "test.yaml",
                        """
                        dataset: mnist
                        norms: [gn]
                        activations: [relu]
                        batch_sizes: [16]
                        seeds: [7]
                        lr: 0.3
                        lr_batch_size: 64
                        warmup_fraction: 0.2
                        schedule: constant
                        lr_protocol: fixed
                        momentum: 0.8
                        weight_decay: 0.001
                        train:
                          %s
                          divergence_loss: 50
                          log_every_steps: 3
                          validate_every_steps: 9
                          hooks: {every_steps: 4, layers: "layer1.*", bins: 12, hist_min: -3, hist_max: 5, dead_window: 6}
                        """
                                .formatted(budget),
                        RegistryVocabulary.current())
                .cells()
                .get(0);
    }

    @Test
    void everyTrainingSettingOfACellReachesItsConfig() throws Exception {
        CellSpec cell = cell("steps: 11");
        TrainConfig c = TrainConfig.of(cell, Device.cpu());
        assertEquals(16, c.batchSize());
        assertEquals(11, c.maxSteps());
        assertEquals(cell.lr(), c.lrRule());
        assertEquals(0.3, c.lr());
        assertEquals(cell.optimizer(), c.optimizer());
        assertEquals(7L, c.seed());
        assertEquals(Device.cpu(), c.device());
        assertEquals(50.0, c.divergenceLossBound());
        assertEquals(3, c.logEverySteps());
        assertEquals(9, c.validateEverySteps());
        assertEquals(4, c.statsEverySteps());
        assertEquals("layer1.*", c.statsLayers());
        assertEquals(6, c.statsDeadWindow());
        assertEquals(new HistogramSpec(12, -3, 5), c.histogram());
        assertEquals(false, c.progress());
    }

    @Test
    void anEpochBudgetIsTrainedInEpochs() throws Exception {
        TrainConfig c = TrainConfig.of(cell("epochs: 2.5"), Device.cpu());
        assertEquals(0, c.maxSteps());
        assertEquals(2.5, c.epochs());
    }
}
