package org.normbench.model.norms;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

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

    private static final NDIndex ALL = new NDIndex(":");

    private final SafeScalars scalars = new SafeScalars();
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
            // op's
            // result joins its first operand's manager: views in the step's scope (x's) keep the
            // intermediates from living until the model closes.
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
        int[] axes = reductionAxes(x);
        double c = (double) (x.getShape().size() / channels);
        NDArray perElement = scalars.of(ps, x, 1 / c);
        NDArray batchMean = x.sum(axes).mul(perElement);
        NDArray batchVar =
                x.sub(batchMean.reshape(channelShape(x))).square().sum(axes).mul(perElement);
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
        // Every op below has a step-scope operand first, so no view of the state is needed.
        NDArray diff = batchMean.sub(runMeanState);
        NDArray mean = diff.mul(wNewArray).add(runMeanState);
        NDArray var =
                batchVar.sub(runVarState)
                        .mul(wNewArray)
                        .add(runVarState)
                        .add(diff.square().mul(wBothArray));
        // The new state is exactly this step's (mean, var) before the clamp: kept as values, not
        // graph.
        runMeanState.set(ALL, mean.stopGradient());
        runVarState.set(ALL, var.stopGradient());
        count = newCount;
        dbias = dbias * (1 - mom1) + mom1;
        batch += bs;
        step++;
        return affine(ps, x, g, b, mean, var);
    }

    /**
     * {@code (x - mean) / sqrt(var + eps) * g + b} per channel, as one fused per-channel affine;
     * the variance floor applies while fewer than {@value #CLAMP_SAMPLES} samples were seen.
     * Debiasing (dividing sums, sqrs and count by dbias while step < 100) cancels out of mean and
     * variance, so the mixture form needs none; dbias() is still tracked for inspection.
     */
    private NDArray affine(
            ParameterStore ps, NDArray x, NDArray g, NDArray b, NDArray mean, NDArray var) {
        if (batch < CLAMP_SAMPLES) {
            var = var.maximum(scalars.of(ps, x, VAR_FLOOR));
        }
        NDArray scale = g.div(var.add(scalars.of(ps, x, eps)).sqrt());
        NDArray shift = b.sub(mean.mul(scale));
        return channelAffine(
                x, scale, shift, constant(0, 0, channels, x, ps), constant(1, 1, channels, x, ps));
    }

    private static int[] reductionAxes(NDArray x) {
        int d = x.getShape().dimension();
        int[] axes = new int[d - 1];
        axes[0] = 0;
        for (int i = 2; i < d; i++) {
            axes[i - 1] = i;
        }
        return axes;
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
