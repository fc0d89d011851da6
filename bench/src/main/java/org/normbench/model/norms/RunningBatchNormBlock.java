package org.normbench.model.norms;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.normbench.engine.Setting;

/**
 * RunningBatchNorm as in fast.ai course-v3 part 2, notebook 07_batchnorm (see docs/norms.md and
 * shared REFERENCE.md): normalises with exponentially averaged sums and sums of squares, in
 * training as well as in eval, so a tiny batch is normalised with statistics of many batches.
 *
 * <p>Per training step with batch size {@code bs} and {@code c = numel / C} elements per channel:
 * {@code mom1 = 1 - (1 - momentum) / sqrt(bs - 1)}; {@code sums}, {@code sqrs} and {@code count}
 * move towards this batch's sum, sum of squares and {@code c} with weight {@code mom1}; {@code
 * dbias = dbias (1 - mom1) + mom1}; {@code batch += bs}; {@code step += 1}. Then (training and
 * eval) while {@code step < 100} sums, sqrs and count are divided by {@code dbias}; {@code mean =
 * sums / count}; {@code var = sqrs / count - mean^2}, clamped to at least 0.01 while {@code batch <
 * 20}; implemented as the equivalent running (mean, variance) mixture (same values and gradients,
 * without the digits E[x^2] - E[x]^2 loses in float32); {@code y = (x - mean) / sqrt(var + eps) *
 * gamma + beta}. The history is detached; this batch's sums enter with weight {@code mom1}, so
 * gradients flow through them (DJL autograd).
 *
 * <p>Choices where the notebook is silent: batch size 1 in training is rejected ({@code mom1}
 * divides by zero); eval before any training step uses mean 0 and variance 1 (like a fresh
 * BatchNorm) instead of dividing 0 by 0. Scalars ({@code count}, {@code dbias}, {@code batch},
 * {@code step}) depend only on shapes, so they live on the host: no device-to-host sync in forward.
 * They are saved with the parameters (block metadata). Not thread-safe: one block, one training
 * loop.
 */
public final class RunningBatchNormBlock extends PerChannelNormBlock {
    static final int DEBIAS_STEPS = 100;
    static final long CLAMP_SAMPLES = 20;
    static final double VAR_FLOOR = 0.01;

    private final double momentum;
    private final Parameter runningMean;
    private final Parameter runningVar;

    private final SafeScalars scalars = new SafeScalars();

    /**
     * Which batch statistics {@link #trainingStep} uses: null picks by device (one pass on a GPU);
     * tests set it to run the GPU's kind on CPU.
     */
    Boolean onePassStatistics;

    /**
     * Whether {@link #trainingStep} runs with libtorch's graph executor optimisations (see {@link
     * #FUSE_PROPERTY}): null follows the property; tests set it.
     */
    Boolean graphOptimizer;

    /**
     * System property (or environment variable {@link #FUSE_ENV}) that picks where rbn's training
     * step runs under libtorch's graph executor optimisations: {@code gpu} (default: cells on a
     * GPU, where its tensor-expression fuser compiles the step's per-channel arithmetic into a few
     * kernels), {@code on} (everywhere) or {@code off} (nowhere: op by op). On CPU the optimiser
     * fuses nothing (libtorch's CPU fuser is off by default) and adds 17 detach calls per layer, so
     * the CPU keeps the plain step, and with it cpu-smoke-reference's exact numbers.
     */
    public static final String FUSE_PROPERTY = "normbench.rbn.fuse";

    /** Environment variable read when {@link #FUSE_PROPERTY} is not set. */
    public static final String FUSE_ENV = "NORMBENCH_RBN_FUSE";

    public static final List<String> FUSE_SETTINGS = List.of("gpu", "on", "off");

    private static final Setting FUSE = new Setting(FUSE_PROPERTY, FUSE_ENV, FUSE_SETTINGS);

    /**
     * {@link #fuseSetting()} when this block was made: read once, not per layer and step (the bench
     * command has checked it before any cell).
     */
    private final String fuse = fuseSetting();

    /** Set after an optimised step failed in this process; later steps run op by op. */
    private static volatile boolean optimizerFailed;

    /** {@link #trainingStep}'s modules by what selects the source and its settings. */
    private final Map<StepKind, ScriptedOp> trainingSteps = new HashMap<>();

    private record StepKind(
            int rank, boolean clamp, boolean onePassStatistics, boolean optimized) {}

    private ScriptedOp stateWrite;

    private double count;
    private double dbias;
    private long batch;
    private long step;

    public RunningBatchNormBlock(String normName, int channels, double eps, double momentum) {
        super(normName, channels, eps);
        this.momentum = momentum;
        this.runningMean = addChannelState("running_mean", Parameter.Type.RUNNING_MEAN);
        this.runningVar = addChannelState("running_var", Parameter.Type.RUNNING_MEAN);
    }

    /** Training steps seen. */
    public long step() {
        return step;
    }

    /** Samples seen in training. */
    public long samplesSeen() {
        return batch;
    }

    /** Debiasing divisor after the last step (0 before the first). */
    public double dbias() {
        return dbias;
    }

    /** Running count of elements per channel (not debiased). */
    public double count() {
        return count;
    }

    @Override
    protected NDArray normalize(
            ParameterStore ps, NDArray x, NDArray g, NDArray b, boolean training) {
        NDArray runMeanState = ps.getValue(runningMean, x.getDevice(), training);
        NDArray runVarState = ps.getValue(runningVar, x.getDevice(), training);
        if (!training) {
            // The state arrays and, in eval, the parameters live in the model's manager, and an
            // op's result joins its first operand's manager: views in the step's scope (x's) keep
            // the intermediates from living until the model closes.
            g = stepView(g, x);
            b = stepView(b, x);
            if (step == 0) {
                return channelAffine(x, g.div(scalars.of(ps, x, Math.sqrt(1 + eps))), b);
            }
            return affine(ps, x, g, b, stepView(runMeanState, x), stepView(runVarState, x));
        }
        long bs = x.getShape().get(0);
        if (bs == 1) {
            throw batchOfOne(
                    "RunningBatchNorm's batch-size-adjusted momentum 1 - (1 - m) / sqrt(bs - 1) is undefined");
        }
        scalars.trim();
        double c = (double) (x.getShape().size() / channels);
        double mom1 = 1 - (1 - momentum) / Math.sqrt(bs - 1);
        // fastai's sums/sqrs/count interpolation, written as a weighted mixture of (mean, var):
        // sums/count and sqrs/count - mean^2 equal exactly these (values and gradients), without
        // float32 running sums whose E[x^2] - E[x]^2 loses digits when |mean| >> std:
        // mean = m + wNew (bm - m), var = v + wNew (bv - v) + wOld wNew (bm - m)^2.
        double newCount = count * (1 - mom1) + c * mom1;
        double wNew = c * mom1 / newCount;
        double wOld = 1 - wNew;
        // The weights change every step until the running count settles (then they repeat and are
        // cached); until then they are made in the step's scope, so the cache does not grow per
        // step.
        boolean settled = newCount == count;
        NDArray wNewArray = settled ? scalars.of(ps, x, wNew) : SafeScalars.fresh(x, wNew);
        NDArray wBothArray =
                settled ? scalars.of(ps, x, wOld * wNew) : SafeScalars.fresh(x, wOld * wNew);
        NDArray[] inputs = {
            x,
            g,
            b,
            runMeanState,
            runVarState,
            scalars.of(ps, x, 1 / c),
            wNewArray,
            wBothArray,
            constant(0, 0, channels, x, ps),
            constant(1, 1, channels, x, ps)
        };
        boolean clamp = batch + bs < CLAMP_SAMPLES;
        boolean optimized = optimizedStep(x);
        NDList out;
        try {
            out = trainingStep(ps, x, clamp, optimized).callAll(inputs);
        } catch (EngineException e) {
            if (!optimized) {
                throw e;
            }
            // Nothing is written before the step returns, so running it again op by op is safe.
            disableOptimizer();
            System.err.printf(
                    "warning: rbn's optimised TorchScript step failed on %s (%s); rbn runs op by op"
                            + " from here on (%s=off avoids the attempt)%n",
                    x.getDevice(),
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    FUSE_ENV);
            out = trainingStep(ps, x, clamp, false).callAll(inputs);
        }
        // The new state: exactly this step's (mean, var) before the clamp, written without a graph.
        stateWrite(ps).callAll(runMeanState, runVarState, out.get(1), out.get(2));
        NDArray y = out.get(0);
        count = newCount;
        dbias = dbias * (1 - mom1) + mom1;
        batch += bs;
        step++;
        return y;
    }

    /**
     * The training step's statistics, mixture and affine as one TorchScript method per input rank,
     * device kind and variance floor (see {@link ScriptedOp}), with fused forms DJL does not bind:
     * {@code lerp} and {@code addcmul} for the running mixture, {@code rsqrt}, and on a GPU {@code
     * var_mean} (the batch's mean and biased variance in one kernel). Against the same arithmetic
     * from DJL's ops: a quarter fewer ops per ResNet18 training step with the GPU's statistics, a
     * tenth with the CPU's (docs/performance.md, {@code make bench-ops}). It returns y and the new
     * running (mean, var), before the clamp; {@link #stateWrite} then writes those into the state
     * with gradients off (the ops that read the old state save none of it for backward). The method
     * itself writes nothing, so it may run under the graph executor's optimisations ({@code
     * optimized}, {@link #FUSE_PROPERTY}).
     *
     * <p>Why two kinds of statistics: torch's CPU {@code var_mean} over (N, H, W) is a Welford pass
     * 7-10x slower than a sum, a centred square and a second sum (torch 1.13, 1 thread, (8, 64, 32,
     * 32): 4.0-5.7 ms vs 0.56-0.62 ms; +10 % on a whole CPU rbn step), while on a GPU it is one
     * reduction kernel where the two passes are four kernels and four more in the backward.
     */
    private ScriptedOp trainingStep(
            ParameterStore ps, NDArray x, boolean clamp, boolean optimized) {
        boolean onePass = onePassStatistics != null ? onePassStatistics : x.getDevice().isGpu();
        // Keyed by the choices, so the source is written only when a module is loaded, not per
        // layer and step.
        StepKind kind = new StepKind(x.getShape().dimension(), clamp, onePass, optimized);
        ScriptedOp op = trainingSteps.get(kind);
        if (op == null || !op.loadedIn(ps.getManager())) {
            op =
                    ScriptedOp.load(
                            ps.getManager(),
                            "RunningBatchNormStep",
                            "x: Tensor, weight: Tensor, bias: Tensor, run_mean: Tensor,"
                                    + " run_var: Tensor, per_element: Tensor, w_new: Tensor,"
                                    + " w_both: Tensor, zeros: Tensor, ones: Tensor",
                            "Tuple[Tensor, Tensor, Tensor]",
                            trainingStepSource(kind),
                            optimized);
            trainingSteps.put(kind, op);
        }
        return op;
    }

    /** The body of {@link #trainingStep}'s method. */
    private String trainingStepSource(StepKind kind) {
        int rank = kind.rank();
        StringBuilder dims = new StringBuilder("0");
        StringBuilder channelShape = new StringBuilder("1, -1");
        for (int i = 2; i < rank; i++) {
            dims.append(", ").append(i);
            channelShape.append(", 1");
        }
        String statistics =
                kind.onePassStatistics()
                        ? "    batch_var, batch_mean = torch.var_mean(x, [" + dims + "], False)\n"
                        : "    batch_mean = torch.sum(x, ["
                                + dims
                                + "]) * per_element\n"
                                + "    centred = x - torch.reshape(batch_mean, ["
                                + channelShape
                                + "])\n"
                                + "    batch_var = torch.sum(torch.square(centred), ["
                                + dims
                                + "]) * per_element\n";
        return statistics
                + "    diff = batch_mean - run_mean\n"
                + "    mean = torch.lerp(run_mean, batch_mean, w_new)\n"
                + "    var = torch.addcmul(torch.lerp(run_var, batch_var, w_new), diff, diff *"
                + " w_both)\n"
                + "    scale = weight * torch.rsqrt("
                + (kind.clamp() ? "torch.clamp_min(var, " + VAR_FLOOR + ")" : "var")
                + " + "
                + Double.toString(eps)
                + ")\n"
                + "    shift = torch.addcmul(bias, mean, scale, value=-1.0)\n"
                + "    y = torch.batch_norm(x, scale, shift, zeros, ones, False, 0.0, 0.0, True)\n"
                + "    return (y, mean, var)\n";
    }

    /**
     * Whether this step runs under the graph executor's optimisations: the test override, else
     * {@link #fuse} for x's device, unless an optimised step already failed here.
     */
    private boolean optimizedStep(NDArray x) {
        if (graphOptimizer != null) {
            return graphOptimizer;
        }
        return !optimizerFailed && optimizes(fuse, x.getDevice());
    }

    private static boolean optimizes(String setting, Device device) {
        return switch (setting) {
            case "on" -> true;
            case "off" -> false;
            default -> device.isGpu();
        };
    }

    /**
     * Whether this process's setting ({@link #fuseSetting()}) runs rbn's training step optimised on
     * {@code device}, and no optimised step has failed yet.
     */
    public static boolean optimizes(Device device) {
        return !optimizerFailed && optimizes(fuseSetting(), device);
    }

    /** Whether an optimised step failed in this process (rbn then runs op by op). */
    static boolean optimizerFailed() {
        return optimizerFailed;
    }

    /**
     * Runs every rbn block of this process op by op from now on (an optimised step threw, or failed
     * {@link RunningBatchNormFuseCheck}).
     */
    static void disableOptimizer() {
        optimizerFailed = true;
    }

    /**
     * The system property {@link #FUSE_PROPERTY}, else the environment variable {@link #FUSE_ENV},
     * else {@code gpu}; anything but {@link #FUSE_SETTINGS} is refused with the allowed values (the
     * bench command reads it before a grid starts).
     */
    public static String fuseSetting() {
        return FUSE.value();
    }

    /**
     * Writes (mean, var) into the running state in place with gradients off: a module of its own,
     * so the training step stays pure (see {@link ScriptedOp#load(NDManager, String, String,
     * String, String, boolean)}).
     */
    private ScriptedOp stateWrite(ParameterStore ps) {
        if (stateWrite == null || !stateWrite.loadedIn(ps.getManager())) {
            stateWrite =
                    ScriptedOp.load(
                            ps.getManager(),
                            "RunningBatchNormStateWrite",
                            "run_mean: Tensor, run_var: Tensor, mean: Tensor, var: Tensor",
                            "Tuple[()]",
                            // Restored after the copies; nothing between can throw short of a
                            // dead device.
                            "    grad_was_enabled = torch.is_grad_enabled()\n"
                                    + "    torch.set_grad_enabled(False)\n"
                                    + "    run_mean.copy_(mean)\n"
                                    + "    run_var.copy_(var)\n"
                                    + "    torch.set_grad_enabled(grad_was_enabled)\n"
                                    + "    return ()\n");
        }
        return stateWrite;
    }

    /**
     * {@code (x - mean) / sqrt(var + eps) * g + b} per channel with fixed statistics (eval):
     * torch's batch_norm kernel in eval mode, one op forward and one backward; the variance floor
     * applies while fewer than {@value #CLAMP_SAMPLES} samples were seen. Debiasing (dividing sums,
     * sqrs and count by dbias while step < 100) cancels out of mean and variance, so the mixture
     * form needs none; dbias() is still tracked for inspection.
     */
    private NDArray affine(
            ParameterStore ps, NDArray x, NDArray g, NDArray b, NDArray mean, NDArray var) {
        if (batch < CLAMP_SAMPLES) {
            var = var.maximum(scalars.of(ps, x, VAR_FLOOR));
        }
        return BatchNorm.batchNorm(x, mean, var, g, b, TORCH_CHANNEL_AXIS, 0.9f, (float) eps, false)
                .singletonOrThrow();
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        os.writeDouble(count);
        os.writeDouble(dbias);
        os.writeLong(batch);
        os.writeLong(step);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is)
            throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        count = is.readDouble();
        dbias = is.readDouble();
        batch = is.readLong();
        step = is.readLong();
    }
}
