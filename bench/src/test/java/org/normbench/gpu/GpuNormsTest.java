package org.normbench.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;

/**
 * Every registered norm gives the same forward output and input gradient on the GPU as on the CPU,
 * from the same parameters and input, in float32 training mode. Tolerance: max|gpu - cpu| at most
 * 1e-4 (forward) and 1e-3 (gradient) of 1 + max|cpu| (cuDNN and the CPU kernels sum in different
 * orders; a wrong kernel or a lost device copy is off by far more).
 */
@Tag("gpu")
class GpuNormsTest {
    static final Shape INPUT = new Shape(4, 64, 8, 8);

    @Test
    void everyRegisteredNormMatchesTheCpuForwardAndBackward() {
        Device gpu = Gpu.device("GpuNormsTest");
        Engine engine = TorchRuntime.engine();
        StringBuilder report = new StringBuilder();
        boolean ok = true;
        for (String name : NormRegistry.names()) {
            try (NDManager cpu = engine.newBaseManager(Device.cpu());
                    NDManager onGpu = engine.newBaseManager(gpu)) {
                // One block per device, initialised alike: a training step changes a stateful
                // norm (rbn's running statistics and step count), so one block run on both would
                // compare its second step with its first.
                Block onCpuBlock = block(engine, name, cpu);
                Block onGpuBlock = block(engine, name, onGpu);
                engine.setRandomSeed(7);
                NDArray x = cpu.randomNormal(0, 2, INPUT, DataType.FLOAT32).add(0.5f);
                NDArray weights = cpu.randomNormal(INPUT);
                float[][] onCpu =
                        Gpu.forwardBackward(
                                engine, onCpuBlock, new ParameterStore(cpu, false), x, weights);
                float[][] onDevice =
                        Gpu.forwardBackward(
                                engine,
                                onGpuBlock,
                                new ParameterStore(onGpu, false),
                                x.toDevice(gpu, true),
                                weights.toDevice(gpu, true));
                double fwd = Gpu.scaledError(onDevice[0], onCpu[0]);
                double bwd = Gpu.scaledError(onDevice[1], onCpu[1]);
                report.append(
                        String.format("%s: forward %.2e, input gradient %.2e%n", name, fwd, bwd));
                ok &= fwd <= Gpu.FORWARD_TOLERANCE && bwd <= Gpu.GRADIENT_TOLERANCE;
            }
        }
        System.out.print(report);
        assertTrue(ok, report.toString());
    }

    /** A fresh block of norm {@code name}, initialised in {@code manager} from seed 3. */
    private static Block block(Engine engine, String name, NDManager manager) {
        Block block = NormRegistry.get(name).create((int) INPUT.get(1), NormOptions.DEFAULTS);
        engine.setRandomSeed(3);
        block.initialize(manager, DataType.FLOAT32, INPUT);
        return block;
    }
}
