package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.fixtures.RmsNormForTests;

class NormRegistryTest {

    @Test
    void listsBuiltInsFirstThenNormsRegisteredByServiceLoader() {
        List<String> names = NormRegistry.names();
        assertEquals(List.of("bn", "gn", "ln", "rbn"), names.subList(0, 4));
        // Registered only in src/test/resources/META-INF/services: the conformance suite runs it
        // too.
        assertTrue(names.contains(RmsNormForTests.NAME), names.toString());
        assertInstanceOf(RmsNormForTests.class, NormRegistry.get(RmsNormForTests.NAME));
    }

    @Test
    void aDiscoveredNormBuildsAResNet18WithTheStandardParameterCount() {
        ResNetConfig c = ResNetConfig.cifar(RmsNormForTests.NAME, "relu");
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            Block net = ResNet18.build(c);
            net.initialize(m, DataType.FLOAT32, c.inputShape(1));
            assertEquals(11_173_962L, ResNet18.trainableParameters(net));
        }
    }

    @Test
    void unknownNormNameListsTheAllowedOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NormRegistry.get("bnn"));
        assertTrue(
                e.getMessage().startsWith("unknown norm 'bnn'; allowed: bn, gn, ln, rbn"),
                e.getMessage());
    }

    @Test
    void twoNormsWithOneNameAreRejected() {
        Norm other =
                new Norm() {
                    @Override
                    public String name() {
                        return "gn";
                    }

                    @Override
                    public String description() {
                        return "impostor";
                    }

                    @Override
                    public Block create(int channels, NormOptions options) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public boolean supportsBatchOfOne(boolean training) {
                        return true;
                    }

                    @Override
                    public boolean batchIndependentInTraining() {
                        return true;
                    }
                };
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> NormRegistry.index(List.of(new GnNorm(), other), List.of("gn")));
        assertTrue(e.getMessage().contains("two norms are registered as 'gn'"), e.getMessage());
        assertEquals(
                List.of("gn", "bn"),
                List.copyOf(
                        NormRegistry.index(List.of(new BnNorm(), new GnNorm()), List.of("gn"))
                                .keySet()));
    }

    @Test
    void activationsRegistryHasReluAndLeakyReluAndRejectsUnknownNames() {
        assertEquals(List.of("relu", "leaky_relu"), ActivationRegistry.names().subList(0, 2));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ActivationRegistry.get("gelu"));
        assertTrue(
                e.getMessage().startsWith("unknown activation 'gelu'; allowed: relu, leaky_relu"),
                e.getMessage());
        assertEquals(
                Map.of(),
                ActivationOptions.parse(ActivationRegistry.get("relu"), Map.of()).extra());
    }
}
