package org.normbench.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;
import org.normbench.train.TestModels;

class HooksTest {
    private static final List<String> ALL =
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
                    "head");

    @Test
    void probeNamesAreInDepthOrderAndGlobsSelectResidualBlocks() {
        Block model = TestModels.resnet18(0.125, false);
        assertEquals(ALL, Hooks.probeNames(model));
        ForwardHook noop = (layer, in, out, training) -> {};
        try (HookHandle h = Hooks.register(model, "layer*", noop)) {
            assertEquals(ALL.subList(1, 9), h.layers());
        }
        try (HookHandle h = Hooks.register(model, "stem, layer4*", noop)) {
            assertEquals(List.of("stem", "layer4.0", "layer4.1"), h.layers());
        }
        try (HookHandle h = Hooks.register(model, "layer?.1", noop)) {
            assertEquals(List.of("layer1.1", "layer2.1", "layer3.1", "layer4.1"), h.layers());
        }
        try (HookHandle h = Hooks.register(model, "layer2.0", noop)) {
            assertEquals(List.of("layer2.0"), h.layers());
        }
    }

    @Test
    void unknownNameFailsListingTheAvailableProbes() {
        Block model = TestModels.resnet18(0.125, false);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Hooks.register(model, "layer5.*", (l, i, o, t) -> {}));
        assertTrue(e.getMessage().contains("layer5.*"), e.getMessage());
        assertTrue(e.getMessage().contains("stem, layer1.0"), e.getMessage());
    }

    @Test
    void hooksSeeEveryMatchedLayerAndDoNotChangeOutputsBitForBit() {
        Engine engine = TorchRuntime.engine();
        engine.setRandomSeed(3);
        try (NDManager m = engine.newBaseManager()) {
            Block model = TestModels.resnet18(0.125, true);
            model.initialize(m, DataType.FLOAT32, new Shape(4, 3, 16, 16));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(4, 3, 16, 16));

            float[] plain = forward(model, ps, x);
            ActivationStats stats = new ActivationStats(HistogramSpec.defaults(), ALL);
            List<String> seen = new ArrayList<>();
            float[] hooked;
            try (HookHandle h1 = Hooks.register(model, "*", stats.hook());
                    HookHandle h2 =
                            Hooks.register(model, "*", (layer, in, out, t) -> seen.add(layer));
                    NDManager step = m.newSubManager()) {
                NDArray in = x.duplicate();
                in.attach(step);
                hooked = model.forward(ps, new NDList(in), true).singletonOrThrow().toFloatArray();
                assertTrue(stats.hasPending());
                List<ActivationRow> rows = new ArrayList<>();
                List<HistogramRow> hist = new ArrayList<>();
                stats.collect(1, rows, hist);
                assertEquals(ALL, rows.stream().map(ActivationRow::layer).toList());
                assertEquals(ALL.size() * 40, hist.size());
            }
            assertEquals(ALL, seen);
            assertArrayEquals(plain, hooked, "hooked forward must be bit-identical");

            float[] after = forward(model, ps, x);
            assertFalse(stats.hasPending(), "a removed hook records nothing");
            assertEquals(ALL.size(), seen.size(), "a removed hook is not called");
            assertArrayEquals(plain, after);
            for (Probe p : Hooks.allProbes(model)) {
                assertEquals(0, p.hookCount());
            }
        }
    }

    /**
     * The CPU pass and the device ops, hooked on the same forward of a real model, record the same
     * rows: histogram counts and every column exactly, mean and std to float32 accuracy.
     */
    @Test
    void bothStatisticsPathsRecordTheSameRowsOnARealForward() {
        Engine engine = TorchRuntime.engine();
        engine.setRandomSeed(5);
        try (NDManager m = engine.newBaseManager()) {
            Block model = TestModels.resnet18(0.125, true);
            model.initialize(m, DataType.FLOAT32, new Shape(4, 3, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            ActivationStats cpu =
                    new ActivationStats(
                            HistogramSpec.defaults(), ALL, ActivationStats.Path.CPU_PASS);
            ActivationStats device =
                    new ActivationStats(
                            HistogramSpec.defaults(), ALL, ActivationStats.Path.DEVICE_OPS);
            List<ActivationRow> cpuRows = new ArrayList<>();
            List<ActivationRow> deviceRows = new ArrayList<>();
            List<HistogramRow> cpuHist = new ArrayList<>();
            List<HistogramRow> deviceHist = new ArrayList<>();
            try (HookHandle h1 = Hooks.register(model, "*", cpu.hook());
                    HookHandle h2 = Hooks.register(model, "*", device.hook());
                    NDManager step = m.newSubManager()) {
                NDArray in = step.randomNormal(new Shape(4, 3, 32, 32));
                model.forward(ps, new NDList(in), true);
                cpu.collect(7, cpuRows, cpuHist);
                device.collect(7, deviceRows, deviceHist);
            }
            assertEquals(deviceHist, cpuHist, "histograms must agree bin for bin");
            assertEquals(ALL.size(), cpuRows.size());
            for (int i = 0; i < cpuRows.size(); i++) {
                ActivationStatsTest.assertSameRow(
                        deviceRows.get(i), cpuRows.get(i), deviceRows.get(i).layer());
            }
        }
    }

    /**
     * The device path batches every hooked layer: one host copy per logged step whatever the number
     * of layers, and its constants go up once, not at every logged step.
     */
    @Test
    void theDevicePathCopiesOncePerLoggedStepAndUploadsOnlyOnce() {
        Engine engine = TorchRuntime.engine();
        engine.setRandomSeed(5);
        try (NDManager m = engine.newBaseManager();
                ActivationStats device =
                        new ActivationStats(
                                HistogramSpec.defaults(), ALL, ActivationStats.Path.DEVICE_OPS)) {
            Block model = TestModels.resnet18(0.125, true);
            model.initialize(m, DataType.FLOAT32, new Shape(4, 3, 32, 32));
            ParameterStore ps = new ParameterStore(m, false);
            long uploadsAfterFirst = -1;
            for (int step = 1; step <= 3; step++) {
                List<ActivationRow> rows = new ArrayList<>();
                try (HookHandle h = Hooks.register(model, "*", device.hook());
                        NDManager scope = m.newSubManager()) {
                    model.forward(
                            ps, new NDList(scope.randomNormal(new Shape(4, 3, 32, 32))), true);
                    device.collect(step, rows, new ArrayList<>());
                }
                assertEquals(ALL.size(), rows.size());
                assertEquals(step, device.hostCopies(), "one copy for " + ALL.size() + " layers");
                if (step == 1) {
                    uploadsAfterFirst = device.uploads();
                    assertTrue(uploadsAfterFirst > 0);
                }
                assertEquals(uploadsAfterFirst, device.uploads(), "no uploads at step " + step);
            }
        }
    }

    private static float[] forward(Block model, ParameterStore ps, NDArray x) {
        try (NDManager step = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(step);
            // training mode: batch statistics, the path hooks run on during a fit
            return model.forward(ps, new NDList(in), true).singletonOrThrow().toFloatArray();
        }
    }

    @Test
    void closingAHandleTwiceIsHarmless() {
        Block model = TestModels.resnet18(0.125, false);
        HookHandle h = Hooks.register(model, "stem", (l, i, o, t) -> {});
        h.close();
        h.close();
        assertTrue(h.isClosed());
        assertEquals(0, Hooks.allProbes(model).get(0).hookCount());
    }
}
