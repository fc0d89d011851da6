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
import org.normbench.model.norms.RunningBatchNormBlock;

/**
 * rbn over several training steps gives the same outputs and input gradients on the GPU as on the
 * CPU, each device with its default way of running the scripted step: on the GPU under libtorch's
 * graph executor optimisations (fused kernels and TorchScript's symbolic gradients from the second
 * call on, {@link RunningBatchNormBlock#FUSE_PROPERTY}), on the CPU op by op. One step, as in
 * GpuNormsTest, would only see the profiling call. Steps cross the variance floor (fewer than 20
 * samples, then more) and change batch size, so every module the step loads is called again after
 * its profiling call. Each device keeps its own block, since the running state lives in it.
 */
@Tag("gpu")
class GpuRunningBatchNormStepsTest {
    static final int CHANNELS = 64;
    static final int[] BATCHES = {4, 4, 4, 4, 4, 4, 8, 8, 8, 2, 2};

    @Test
    void optimisedStepsOnTheGpuMatchPlainStepsOnTheCpu() {
        Device gpu = Gpu.device("GpuRunningBatchNormStepsTest");
        Engine engine = TorchRuntime.engine();
        StringBuilder report =
                new StringBuilder(
                        "rbn on the GPU with " + RunningBatchNormBlock.fuseSetting() + "\n");
        boolean ok = true;
        try (NDManager cpu = engine.newBaseManager(Device.cpu());
                NDManager onGpu = engine.newBaseManager(gpu)) {
            // gamma 1, beta 0, running mean 0 and variance 1: the same start on both devices.
            Block onCpuBlock = block(cpu);
            Block onGpuBlock = block(onGpu);
            ParameterStore cpuStore = new ParameterStore(cpu, false);
            ParameterStore gpuStore = new ParameterStore(onGpu, false);
            engine.setRandomSeed(11);
            for (int i = 0; i < BATCHES.length; i++) {
                Shape shape = new Shape(BATCHES[i], CHANNELS, 8, 8);
                try (NDManager step = cpu.newSubManager()) {
                    NDArray x = step.randomNormal(0, 2, shape, DataType.FLOAT32).add(0.5f);
                    NDArray weights = step.randomNormal(shape);
                    float[][] onCpu = Gpu.forwardBackward(engine, onCpuBlock, cpuStore, x, weights);
                    float[][] onDevice =
                            Gpu.forwardBackward(
                                    engine,
                                    onGpuBlock,
                                    gpuStore,
                                    x.toDevice(gpu, true),
                                    weights.toDevice(gpu, true));
                    double fwd = Gpu.scaledError(onDevice[0], onCpu[0]);
                    double bwd = Gpu.scaledError(onDevice[1], onCpu[1]);
                    report.append(
                            String.format(
                                    "step %d batch %d: forward %.2e, input gradient %.2e%n",
                                    i + 1, BATCHES[i], fwd, bwd));
                    ok &= fwd <= Gpu.FORWARD_TOLERANCE && bwd <= Gpu.GRADIENT_TOLERANCE;
                }
            }
        }
        System.out.print(report);
        assertTrue(ok, report.toString());
    }

    private static Block block(NDManager manager) {
        Block block = NormRegistry.get("rbn").create(CHANNELS, NormOptions.DEFAULTS);
        block.initialize(manager, DataType.FLOAT32, new Shape(2, CHANNELS, 8, 8));
        return block;
    }
}
