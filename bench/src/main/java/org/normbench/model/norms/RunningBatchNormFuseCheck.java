package org.normbench.model.norms;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.Locale;
import java.util.Random;

/**
 * rbn's optimised training step ({@link RunningBatchNormBlock#FUSE_PROPERTY}) checked against its
 * op-by-op step on one device, before a run trusts it there: several forward and backward steps of
 * two blocks that start alike, one each way, on the same inputs. The graph executor compiles its
 * fused kernels and TorchScript's symbolic gradients on the device, with the libtorch the user has;
 * that is where a fuser that is missing (NVRTC) or wrong would show, and an earlier form of the
 * step did train with 18 % wrong input gradients under the optimiser (docs/norms.md). A step that
 * throws, in its forward or its backward, or outputs or gradients that differ beyond the
 * tolerances, fail the check, and the caller then runs rbn op by op.
 */
public final class RunningBatchNormFuseCheck {
    private RunningBatchNormFuseCheck() {}

    /**
     * How far the optimised step's output may be from the plain one's, as {@link #scaledError}:
     * fused kernels sum in another order; a wrong gradient formula is off by far more.
     */
    public static final double FORWARD_TOLERANCE = 1e-4;

    /** The same for the input gradient. */
    public static final double GRADIENT_TOLERANCE = 1e-3;

    /**
     * The steps' batch sizes: the first three see fewer than {@link
     * RunningBatchNormBlock#CLAMP_SAMPLES} samples in all (the variance floor), the later ones
     * more, and each batch size returns after a change, so every module the step loads is called
     * again after its profiling call (the graph executor optimises from the second call on).
     */
    static final int[] BATCHES = {4, 4, 4, 8, 8, 8, 2, 2, 8};

    static final int CHANNELS = 16;
    static final int SIZE = 6;

    /**
     * What the check found.
     *
     * @param steps the steps it ran (both ways)
     * @param failure why it failed, null when it passed
     */
    public record Result(
            int steps, double forwardError, double gradientError, String failure, double seconds) {
        public boolean passed() {
            return failure == null;
        }

        /** One line for the console and the run's manifest. */
        public String describe() {
            if (passed()) {
                return String.format(
                        Locale.ROOT,
                        "passed: %d steps against op by op, output %.1e, input gradient %.1e"
                                + " (scaled; tolerances %.0e, %.0e), %.1f s",
                        steps,
                        forwardError,
                        gradientError,
                        FORWARD_TOLERANCE,
                        GRADIENT_TOLERANCE,
                        seconds);
            }
            return "failed: " + failure + "; rbn runs op by op";
        }
    }

    /**
     * Checks the optimised step on {@code device}; when it fails, every rbn block of this process
     * runs op by op from then on.
     */
    public static Result run(Engine engine, Device device) {
        Result r;
        try {
            r = compare(engine, device, block(true), block(false));
        } catch (RuntimeException e) {
            // The plain step or the set-up failed: the cells will say more; the run goes on.
            r = new Result(0, 0, 0, "the check could not run: " + firstLine(e), 0);
        }
        if (!r.passed()) {
            RunningBatchNormBlock.disableOptimizer();
        }
        return r;
    }

    private static RunningBatchNormBlock block(boolean optimised) {
        RunningBatchNormBlock b =
                new RunningBatchNormBlock(
                        "rbn", CHANNELS, NormOptions.DEFAULT_EPS, NormOptions.DEFAULT_MOMENTUM);
        b.graphOptimizer = optimised;
        return b;
    }

    /**
     * Trains {@code candidate} and {@code reference} (initialised alike: gamma 1, beta 0, running
     * mean 0 and variance 1) for {@link #BATCHES} steps on the same inputs and compares their
     * outputs and input gradients.
     */
    static Result compare(
            Engine engine,
            Device device,
            RunningBatchNormBlock candidate,
            RunningBatchNormBlock reference) {
        long t0 = System.nanoTime();
        if (RunningBatchNormBlock.optimizerFailed()) {
            return new Result(0, 0, 0, "an optimised step already failed in this process", 0);
        }
        double forward = 0;
        double gradient = 0;
        // Inputs from a seeded java.util.Random, not the engine's generator: a check that runs
        // before the cells must not move the random stream they are seeded from.
        Random random = new Random(11);
        try (NDManager manager = engine.newBaseManager(device)) {
            Shape first = new Shape(2, CHANNELS, SIZE, SIZE);
            candidate.initialize(manager, DataType.FLOAT32, first);
            reference.initialize(manager, DataType.FLOAT32, first);
            ParameterStore ps = new ParameterStore(manager, false);
            for (int i = 0; i < BATCHES.length; i++) {
                Shape shape = new Shape(BATCHES[i], CHANNELS, SIZE, SIZE);
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(values(random, shape, 2, 0.5f), shape);
                    NDArray weights = step.create(values(random, shape, 1, 0), shape);
                    float[][] a;
                    try {
                        a = forwardBackward(candidate, ps, x, weights);
                    } catch (RuntimeException e) {
                        return new Result(
                                i + 1,
                                forward,
                                gradient,
                                "step " + (i + 1) + " threw: " + firstLine(e),
                                seconds(t0));
                    }
                    if (RunningBatchNormBlock.optimizerFailed()) {
                        // The block caught its forward's failure and ran op by op (its warning
                        // says why).
                        return new Result(
                                i + 1,
                                forward,
                                gradient,
                                "the optimised forward threw at step " + (i + 1),
                                seconds(t0));
                    }
                    float[][] b = forwardBackward(reference, ps, x, weights);
                    forward = Math.max(forward, scaledError(a[0], b[0]));
                    gradient = Math.max(gradient, scaledError(a[1], b[1]));
                }
            }
        }
        String failure = null;
        if (!(forward <= FORWARD_TOLERANCE && gradient <= GRADIENT_TOLERANCE)) {
            failure =
                    String.format(
                            Locale.ROOT,
                            "the optimised step differs from op by op: output %.1e, input gradient"
                                    + " %.1e (scaled; tolerances %.0e, %.0e)",
                            forward,
                            gradient,
                            FORWARD_TOLERANCE,
                            GRADIENT_TOLERANCE);
        }
        return new Result(BATCHES.length, forward, gradient, failure, seconds(t0));
    }

    /**
     * One training-mode forward and backward of {@code block} on a copy of {@code input}: {output,
     * d(sum(output * weights))/d(input)} as host arrays. Grad mode and backward as the learner
     * calls them, not DJL's GradientCollector, which allows one per process.
     */
    private static float[][] forwardBackward(
            RunningBatchNormBlock block, ParameterStore ps, NDArray input, NDArray weights) {
        NDArray x = input.duplicate();
        x.setRequiresGradient(true);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            NDArray y = block.forward(ps, new NDList(x), true).singletonOrThrow();
            NDArray loss = y.mul(weights).sum();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
            return new float[][] {y.toFloatArray(), x.getGradient().toFloatArray()};
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static float[] values(Random random, Shape shape, double std, float mean) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std) + mean;
        }
        return v;
    }

    private static String firstLine(RuntimeException e) {
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Largest |a - b| over |b|'s scale: max|a-b| / (1 + max|b|), the tolerance measure of these
     * checks and of the GPU tests.
     */
    public static double scaledError(float[] a, float[] b) {
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return worst / (1 + scale);
    }
}
