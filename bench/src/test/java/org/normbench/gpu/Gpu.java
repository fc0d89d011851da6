package org.normbench.gpu;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Assumptions;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.norms.RunningBatchNormFuseCheck;

/**
 * What the {@code gpu}-tagged tests share: the skip, with its reason printed, where no CUDA device
 * is visible to the libtorch normbench loads. {@code make test-gpu} runs them on the libtorch
 * {@code gpu-setup} selected.
 */
final class Gpu {
    private Gpu() {}

    /**
     * How far a norm's GPU forward output may be from the CPU's, as {@link #scaledError}: cuDNN and
     * the CPU kernels sum in different orders; a wrong kernel or a lost device copy is off by far
     * more.
     */
    static final double FORWARD_TOLERANCE = 1e-4;

    /** The same for the input gradient. */
    static final double GRADIENT_TOLERANCE = 1e-3;

    /** gpu:0, or a skipped test when libtorch sees no CUDA device. */
    static Device device(String test) {
        int gpus = TorchRuntime.gpuCount();
        if (gpus == 0) {
            String reason =
                    "no CUDA device visible to libtorch ("
                            + TorchRuntime.libraryOrigin()
                            + "); run `make gpu-setup` then `make test-gpu` on a CUDA machine";
            System.out.println("SKIPPED " + test + ": " + reason);
            Assumptions.abort(reason);
        }
        return Device.gpu(0);
    }

    /**
     * Largest |a - b| over |b|'s scale: max|a-b| / (1 + max|b|), the tolerance measure of these
     * tests.
     */
    static double scaledError(float[] a, float[] b) {
        return RunningBatchNormFuseCheck.scaledError(a, b);
    }

    /**
     * One training-mode forward and backward of {@code block} on a copy of {@code input}: {output,
     * d(sum(output * weights))/d(input)} as host arrays.
     */
    static float[][] forwardBackward(
            Engine engine, Block block, ParameterStore ps, NDArray input, NDArray weights) {
        NDArray x = input.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray y = block.forward(ps, new NDList(x), true).singletonOrThrow();
            gc.backward(y.mul(weights).sum());
            return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray()};
        }
    }
}
