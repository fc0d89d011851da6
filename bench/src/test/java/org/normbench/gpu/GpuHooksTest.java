package org.normbench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;
import org.normbench.hooks.ActivationStats;
import org.normbench.hooks.HistogramSpec;

/**
 * The activation statistics' device path (libtorch ops, what GPUs use) and CPU path (one fused
 * host pass) agree on the same activation: min, max, fractions and every bin count exactly, mean
 * and std to 1e-5 relative (float sums in different orders).
 */
@Tag("gpu")
class GpuHooksTest {

    @Test
    void devicePathOnTheGpuMatchesTheCpuPassOnTheSameActivation() {
        Device gpu = Gpu.device("GpuHooksTest");
        try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
            NDArray x = m.randomNormal(0, 1.5f, new Shape(8, 64, 16, 16), DataType.FLOAT32).sub(0.3f).maximum(-0.5f);
            HistogramSpec spec = HistogramSpec.defaults();
            double[] cpu = ActivationStats.statistics(x, spec);
            double[] dev = ActivationStats.statistics(x.toDevice(gpu, true), spec);
            assertEquals(cpu.length, dev.length);
            assertEquals(cpu[0], dev[0], 1e-5 * Math.max(1, Math.abs(cpu[0])), "mean");
            assertEquals(cpu[1], dev[1], 1e-5 * Math.max(1, Math.abs(cpu[1])), "std");
            for (int i = 2; i < cpu.length; i++) {
                assertEquals(cpu[i], dev[i], 0.0, "statistic " + i + " (min, max, fractions, then bin counts)");
            }
        }
    }
}
