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
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.normbench.engine.TorchRuntime;
import org.normbench.hooks.Probe;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.NormRegistry;

class ResNet18Test {
    final Engine engine = TorchRuntime.engine();

    private Block built(NDManager m, ResNetConfig c) {
        Block b = ResNet18.build(c);
        b.initialize(m, DataType.FLOAT32, c.inputShape(1));
        return b;
    }

    /** Every registered norm with every registered activation, so a plug-in gets these tests. */
    static Stream<Arguments> variants() {
        return NormRegistry.names().stream()
                .flatMap(n -> ActivationRegistry.names().stream().map(a -> Arguments.of(n, a)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void everyVariantHasTheStandardCifarResNet18ParameterCount(String norm, String act) {
        try (NDManager m = engine.newBaseManager()) {
            assertEquals(
                    11_173_962L,
                    ResNet18.trainableParameters(built(m, ResNetConfig.cifar(norm, act))));
        }
    }

    @Test
    void imagenetStemWith1000ClassesHasTorchvisionsCount() {
        try (NDManager m = engine.newBaseManager()) {
            assertEquals(
                    11_689_512L,
                    ResNet18.trainableParameters(built(m, ResNetConfig.imagenet("gn", "relu"))));
        }
    }

    @Test
    void probesAreNamedStemLayerXYAndHeadInDepthOrder() {
        Block net = ResNet18.build(ResNetConfig.cifar("bn", "relu").withWidth(0.125));
        List<String> probes = new ArrayList<>();
        collectProbes(net, probes);
        assertEquals(ResNet18.PROBE_NAMES, probes);
        assertEquals(
                List.of(
                        "stem",
                        "layer1.0",
                        "layer1.1",
                        "layer2.0",
                        "layer2.1",
                        "layer3.0",
                        "layer3.1",
                        "layer4.0",
                        "layer4.1",
                        "head"),
                ResNet18.PROBE_NAMES);
    }

    private static void collectProbes(Block b, List<String> out) {
        for (var e : b.getChildren()) {
            if (e.getValue() instanceof Probe) {
                out.add(((Probe) e.getValue()).name());
            }
            collectProbes(e.getValue(), out);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void narrowModelOnGreyscale28x28TrainsAndEvaluatesToLogits(String norm, String act) {
        ResNetConfig c = ResNetConfig.cifar(norm, act).withWidth(0.125).withInput(1, 28);
        try (NDManager m = engine.newBaseManager()) {
            Block net = built(m, c);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(c.inputShape(2));
            NDArray logits;
            try (GradientCollector gc = engine.newGradientCollector()) {
                logits = net.forward(ps, new NDList(x), true).singletonOrThrow();
                gc.backward(logits.square().mean());
            }
            assertEquals(new Shape(2, 10), logits.getShape());
            for (Parameter p : net.getParameters().values()) {
                if (p.requiresGradient()) {
                    assertTrue(
                            Double.isFinite(
                                    p.getArray()
                                            .getGradient()
                                            .abs()
                                            .sum()
                                            .toType(DataType.FLOAT64, false)
                                            .getDouble()),
                            p.getName());
                }
            }
            NDArray eval = net.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 10), eval.getShape());
        }
    }

    @Test
    void widthMultiplierRoundsStageWidths() {
        ResNetConfig c = ResNetConfig.cifar("gn", "relu").withWidth(0.25);
        assertEquals(
                List.of(16, 32, 64, 128),
                List.of(c.stageWidth(0), c.stageWidth(1), c.stageWidth(2), c.stageWidth(3)));
    }

    @Test
    void convolutionsAreKaimingNormalFanOutAndNormsStartAtOneAndZero() {
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(7);
            Block net = built(m, ResNetConfig.cifar("gn", "relu"));
            boolean sawConv = false;
            for (var e : net.getParameters()) {
                Parameter p = e.getValue();
                double[] v = p.getArray().toType(DataType.FLOAT64, false).toDoubleArray();
                if (e.getKey().contains("layer4_1")
                        && e.getKey().contains("conv2")
                        && p.getType() == Parameter.Type.WEIGHT) {
                    // 512 x 512 x 3 x 3: std sqrt(2 / (512 * 9)) = 0.02083, over 2.4M samples.
                    double ss = 0;
                    for (double d : v) {
                        ss += d * d;
                    }
                    assertEquals(
                            Math.sqrt(2.0 / (512 * 9)), Math.sqrt(ss / v.length), 2e-4, e.getKey());
                    sawConv = true;
                }
                if (p.getType() == Parameter.Type.GAMMA || p.getType() == Parameter.Type.BETA) {
                    double expected = p.getType() == Parameter.Type.GAMMA ? 1 : 0;
                    for (double d : v) {
                        assertEquals(expected, d, 0, e.getKey());
                    }
                }
            }
            assertTrue(sawConv, "found layer4.1 conv2 weight");
        }
    }

    @Test
    void zeroInitLastNormZeroesOnlyEachBlocksSecondNormScale() {
        try (NDManager m = engine.newBaseManager()) {
            Block net =
                    built(
                            m,
                            ResNetConfig.cifar("bn", "relu")
                                    .withWidth(0.125)
                                    .withZeroInitLastNorm(true));
            int zeroed = 0;
            int ones = 0;
            for (var e : net.getParameters()) {
                if (e.getValue().getType() != Parameter.Type.GAMMA) {
                    continue;
                }
                double sum =
                        e.getValue().getArray().sum().toType(DataType.FLOAT64, false).getDouble();
                if (e.getKey().contains("norm2")) {
                    assertEquals(0, sum, 0, e.getKey());
                    zeroed++;
                } else {
                    assertTrue(sum > 0, e.getKey());
                    ones++;
                }
            }
            assertEquals(8, zeroed);
            assertEquals(1 + 8 + 3, ones, "stem, norm1 of each block, three projection shortcuts");
            assertEquals(
                    ResNet18.trainableParameters(
                            built(m, ResNetConfig.cifar("bn", "relu").withWidth(0.125))),
                    ResNet18.trainableParameters(net));
        }
    }
}
