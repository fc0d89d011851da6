package org.normbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;
import org.normbench.hooks.ActivationRow;
import org.normbench.hooks.ActivationStats;
import org.normbench.hooks.HistogramRow;
import org.normbench.hooks.HistogramSpec;
import org.normbench.hooks.HookHandle;
import org.normbench.hooks.Hooks;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;

/**
 * The lesson CNN: the notebook's sizes, every registered norm, and probes that see activation
 * outputs.
 */
class LessonCnnTest {
    private final Engine engine = TorchRuntime.engine();

    private static Block build(String norm, String activation) {
        return LessonCnn.build(
                norm, NormOptions.DEFAULTS, activation, ActivationOptions.DEFAULTS, 1.0, 1, 10);
    }

    /**
     * Convolutions without bias: 1*8*25 + 8*16*9 + 16*32*9 + 32*32*9 = 15,176; per-channel norm
     * affine 2*(8+16+32+32) = 176; linear 32*10 + 10 = 330. The notebook's model with BatchNorm
     * (bias-free convs) has the same 15,682.
     */
    @Test
    void everyRegisteredNormGivesTheNotebooksParameterCountAndLogitsOn28x28() {
        for (String norm : NormRegistry.names()) {
            try (NDManager m = engine.newBaseManager()) {
                Block net = build(norm, "relu");
                net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28));
                assertEquals(15_682L, ResNet18.trainableParameters(net), norm);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray logits;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    logits =
                            net.forward(
                                            ps,
                                            new NDList(m.randomNormal(new Shape(2, 1, 28, 28))),
                                            true)
                                    .singletonOrThrow();
                    gc.backward(logits.square().mean());
                }
                assertEquals(new Shape(2, 10), logits.getShape(), norm);
            }
        }
    }

    @Test
    void probesSeeEachLayersActivationOutput() {
        engine.setRandomSeed(3);
        try (NDManager m = engine.newBaseManager()) {
            Block net = build("bn", "relu");
            net.initialize(m, DataType.FLOAT32, new Shape(4, 1, 28, 28));
            assertEquals(LessonCnn.PROBE_NAMES, Hooks.probeNames(net));
            List<String> layers = List.of("layer1", "layer2", "layer3", "layer4");
            ActivationStats stats = new ActivationStats(HistogramSpec.defaults(), layers);
            List<ActivationRow> rows = new ArrayList<>();
            try (HookHandle h = Hooks.register(net, "layer*", stats.hook());
                    NDManager step = m.newSubManager()) {
                net.forward(
                        new ParameterStore(step, false),
                        new NDList(step.randomNormal(new Shape(4, 1, 28, 28))),
                        true);
                stats.collect(1, rows, new ArrayList<HistogramRow>());
            }
            assertEquals(layers, rows.stream().map(ActivationRow::layer).toList());
            for (ActivationRow r : rows) {
                // after BatchNorm then ReLU: nothing negative, and about half exactly 0
                assertEquals(0, r.min(), 0, r.layer());
                assertTrue(
                        r.zeroFrac() > 0.3 && r.zeroFrac() < 0.7,
                        r.layer() + " zero_frac " + r.zeroFrac());
            }
        }
    }
}
