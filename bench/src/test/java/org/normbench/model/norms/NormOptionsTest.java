package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;
import org.normbench.model.activations.Activation;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.activations.ActivationRegistry;

class NormOptionsTest {
    final Norm gn = NormRegistry.get("gn");
    final Norm bn = NormRegistry.get("bn");

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void parsesTypedValuesAndKeepsDefaultsForTheRest() {
        NormOptions o = NormOptions.parse(gn, Map.of("groups", "16", "eps", "1e-3"));
        assertEquals(16, o.groups());
        assertEquals(1e-3, o.eps());
        assertEquals(0.1, o.momentum());
        assertEquals("groups=16;eps=0.001", o.toCompactString());
        assertEquals(0.3, NormOptions.parse(bn, Map.of("momentum", "0.3")).momentum());
        assertEquals("", NormOptions.parse(bn, Map.of()).toCompactString());
    }

    @Test
    void unknownOptionNamesTheNormAndTheAllowedKeys() {
        assertEquals(
                "unknown option 'grups' for norm gn; allowed: eps, groups",
                message(() -> NormOptions.parse(gn, Map.of("grups", "16"))));
        assertEquals(
                "unknown option 'groups' for norm bn; allowed: eps, momentum",
                message(() -> NormOptions.parse(bn, Map.of("groups", "2"))));
    }

    @Test
    void badValuesNameNormOptionValueAndWhatIsAllowed() {
        assertEquals(
                "norm gn: option groups='x' is not an integer >= 1",
                message(() -> NormOptions.parse(gn, Map.of("groups", "x"))));
        assertEquals(
                "norm gn: option groups='0' is not an integer >= 1",
                message(() -> NormOptions.parse(gn, Map.of("groups", "0"))));
        assertEquals(
                "norm gn: option eps=-1.0 must be a finite number > 0",
                message(() -> NormOptions.parse(gn, Map.of("eps", "-1"))));
        assertEquals(
                "norm gn: option eps='tiny' is not a number such as 1e-5",
                message(() -> NormOptions.parse(gn, Map.of("eps", "tiny"))));
        String m = message(() -> NormOptions.parse(bn, Map.of("momentum", "1.5")));
        assertEquals(
                "norm bn: option momentum=1.5 must be in (0, 1] (PyTorch convention, default 0.1)",
                m);
    }

    @Test
    void groupsThatDoNotDivideALayerAreRejectedWhenTheModelIsBuilt() {
        NormOptions seven = NormOptions.parse(gn, Map.of("groups", "7"));
        String m =
                message(
                        () ->
                                ResNet18.build(
                                        ResNetConfig.cifar("gn", "relu").withNormOptions(seven)));
        assertEquals(
                true, m.startsWith("norm gn: option groups=7 does not divide 64 channels;"), m);
    }

    @Test
    void parsesCommandLinePairs() {
        assertEquals(
                Map.of("groups", "16", "eps", "1e-3"),
                NormOptions.parsePairs("groups=16,eps=1e-3"));
        assertEquals(
                Map.of("negative_slope", "0.1"), NormOptions.parsePairs(" negative_slope = 0.1 "));
        assertEquals(
                "option 'groups' is not of the form key=value",
                message(() -> NormOptions.parsePairs("groups")));
    }

    @Test
    void leakyReluSlopeIsParsedAndApplied() {
        Activation act = ActivationRegistry.get("leaky_relu");
        assertEquals(0.01, ActivationOptions.parse(act, Map.of()).negativeSlope());
        ActivationOptions o = ActivationOptions.parse(act, Map.of("negative_slope", "0.2"));
        assertEquals(
                "unknown option 'slope' for activation leaky_relu; allowed: negative_slope",
                message(() -> ActivationOptions.parse(act, Map.of("slope", "0.2"))));
        assertEquals(
                "activation leaky_relu: option negative_slope='-1' is not a finite number >= 0",
                message(() -> ActivationOptions.parse(act, Map.of("negative_slope", "-1"))));
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            Block b = act.create(o);
            b.initialize(m, DataType.FLOAT32, new Shape(2));
            NDArray y =
                    b.forward(
                                    new ParameterStore(m, false),
                                    new NDList(m.create(new float[] {-1, 3})),
                                    false)
                            .singletonOrThrow();
            assertEquals(-0.2f, y.getFloat(0), 1e-7f);
            assertEquals(3f, y.getFloat(1), 0f);
        }
    }
}
