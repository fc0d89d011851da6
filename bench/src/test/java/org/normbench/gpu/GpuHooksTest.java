package org.normbench.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;
import org.normbench.hooks.ActivationRow;
import org.normbench.hooks.ActivationStats;
import org.normbench.hooks.HistogramSpec;

/**
 * The activation statistics' device path (libtorch ops, what GPUs use) and CPU path (one fused host
 * pass) agree on the same activation: every exact column of ActivationRow and every bin count
 * identically, mean and std to 1e-5 of the activation's scale (float sums in different orders).
 */
@Tag("gpu")
class GpuHooksTest {

    @Test
    void devicePathOnTheGpuMatchesTheCpuPassOnTheSameActivation() {
        Device gpu = Gpu.device("GpuHooksTest");
        try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
            NDArray x =
                    m.randomNormal(0, 1.5f, new Shape(8, 64, 16, 16), DataType.FLOAT32)
                            .sub(0.3f)
                            .maximum(-0.5f);
            HistogramSpec spec = HistogramSpec.defaults();
            ActivationStats.Measured cpu = ActivationStats.statistics(x, spec);
            ActivationStats.Measured dev = ActivationStats.statistics(x.toDevice(gpu, true), spec);
            assertArrayEquals(cpu.binCounts(), dev.binCounts(), "bin counts");
            double scale = Math.abs(cpu.row().mean()) + cpu.row().std();
            for (ActivationRow.Column c : ActivationRow.COLUMNS) {
                Object h = c.value().apply(cpu.row());
                Object d = c.value().apply(dev.row());
                if (c.exact()) {
                    assertEquals(h, d, c.name());
                } else {
                    assertEquals((Double) h, (Double) d, 1e-5 * scale, c.name());
                }
            }
        }
    }
}
