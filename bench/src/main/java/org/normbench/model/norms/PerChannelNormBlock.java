package org.normbench.model.norms;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * Base of the built-in norm blocks: a per-channel scale {@code gamma} (ones) and shift {@code beta}
 * (zeros) on axis 1, input checks with messages that name the norm, and shape-preserving output. A
 * user's norm may extend it but need not. Running statistics are the subclasses' own bookkeeping;
 * they register their state vectors through {@link #addChannelState}.
 */
public abstract class PerChannelNormBlock extends AbstractBlock {
    /**
     * The {@code axis} to give DJL's {@code BatchNorm.batchNorm} for channels on axis 1. DJL's
     * PyTorch engine passes -1 straight to torch's batch_norm (which always normalises axis 1), but
     * wraps any other value, 1 included, in two transposes, a sub-manager and re-attachments: two
     * more autograd nodes and a dozen JNI calls per norm layer and step, for nothing.
     */
    protected static final int TORCH_CHANNEL_AXIS = -1;

    /** How many cached vectors {@link #constant} keeps per block. */
    protected static final int CONSTANT_SLOTS = 4;

    private final NDArray[] constants = new NDArray[CONSTANT_SLOTS];
    protected final String normName;
    protected final int channels;
    protected final double eps;
    protected final Parameter gamma;
    protected final Parameter beta;

    protected PerChannelNormBlock(String normName, int channels, double eps) {
        super((byte) 1);
        if (channels < 1) {
            throw new IllegalArgumentException(
                    "norm " + normName + ": channels must be >= 1, got " + channels);
        }
        this.normName = normName;
        this.channels = channels;
        this.eps = eps;
        this.gamma =
                addParameter(
                        Parameter.builder()
                                .setName("gamma")
                                .setType(Parameter.Type.GAMMA)
                                .optShape(new Shape(channels))
                                .build());
        this.beta =
                addParameter(
                        Parameter.builder()
                                .setName("beta")
                                .setType(Parameter.Type.BETA)
                                .optShape(new Shape(channels))
                                .build());
    }

    /**
     * Registers a per-channel state vector that training updates in place and autograd never sees
     * (running statistics); {@code type} picks DJL's initial value (RUNNING_MEAN zeros, RUNNING_VAR
     * ones).
     */
    protected final Parameter addChannelState(String name, Parameter.Type type) {
        return addParameter(
                Parameter.builder()
                        .setName(name)
                        .setType(type)
                        .optShape(new Shape(channels))
                        .optRequiresGrad(false)
                        .build());
    }

    public int channels() {
        return channels;
    }

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        if (s.dimension() < 2 || s.get(1) != channels) {
            throw new IllegalArgumentException(
                    "norm "
                            + normName
                            + ": expected input (N, "
                            + channels
                            + ", ...) with channels on axis 1, got shape "
                            + s);
        }
        NDArray g = ps.getValue(gamma, x.getDevice(), training);
        NDArray b = ps.getValue(beta, x.getDevice(), training);
        return new NDList(normalize(ps, x, g, b, training));
    }

    /**
     * Normalises {@code x} (N, C, ...) and applies the per-channel affine {@code g}, {@code b}
     * (both [C]).
     */
    protected abstract NDArray normalize(
            ParameterStore ps, NDArray x, NDArray g, NDArray b, boolean training);

    /**
     * A view of {@code a} (same storage, same autograd identity) owned by {@code x}'s manager. DJL
     * puts an op's result in its first operand's manager, so an op on a parameter or on running
     * state would leave its result in the model's manager until the model closes (one array per
     * layer and step: what {@code StepsLeaveNoNDArraysBehindTest} catches); on this view it goes
     * with the step.
     */
    protected static NDArray stepView(NDArray a, NDArray x) {
        NDArray v = a.reshape(a.getShape());
        v.attach(x.getManager());
        return v;
    }

    /** Shape (1, C, 1, ...) to broadcast a per-channel vector against {@code x}. */
    protected static Shape channelShape(NDArray x) {
        long[] dims = new long[x.getShape().dimension()];
        Arrays.fill(dims, 1);
        dims[1] = x.getShape().get(1);
        return new Shape(dims);
    }

    /**
     * {@code x * scale[c] + shift[c]} per channel, with gradients for all three. Computed by
     * torch's batch_norm kernel in eval mode with running mean 0, running variance 1 and eps 0,
     * which is exactly that affine map (invstd = 1/sqrt(1 + 0) = 1) but one fused pass forward and
     * one fused pass backward, where {@code x.mul(scale).add(shift)} measured up to several times
     * slower per layer in training (broadcast multiply, add, and two per-channel reductions for the
     * parameter gradients).
     */
    protected static NDArray channelAffine(NDArray x, NDArray scale, NDArray shift) {
        Shape c = new Shape(x.getShape().get(1));
        return channelAffine(
                x,
                scale,
                shift,
                x.getManager().zeros(c, x.getDataType(), x.getDevice()),
                x.getManager().ones(c, x.getDataType(), x.getDevice()));
    }

    /**
     * {@link #channelAffine(NDArray, NDArray, NDArray)} with given [C] zeros and ones (e.g. from
     * {@link #constant}).
     */
    protected static NDArray channelAffine(
            NDArray x, NDArray scale, NDArray shift, NDArray zeros, NDArray ones) {
        return BatchNorm.batchNorm(
                        x, zeros, ones, scale, shift, TORCH_CHANNEL_AXIS, 0.9f, 0f, false)
                .singletonOrThrow();
    }

    /**
     * A vector of {@code length} copies of {@code value}, of {@code like}'s type and device, made
     * once in the parameter store's manager (which outlives the training step) and reused; made
     * again when that manager was closed or the length, type or device changed. {@code slot} tells
     * a subclass's constants apart (0 to {@value #CONSTANT_SLOTS} - 1). Why: fresh ones/zeros per
     * call are two JNI allocations and two releases per use, per layer and step, which add up at
     * small batches. Never written to: they only feed kernels that read them.
     */
    protected final NDArray constant(
            int slot, float value, long length, NDArray like, ParameterStore ps) {
        return constant(slot, value, new Shape(length), like, ps);
    }

    /** {@link #constant(int, float, long, NDArray, ParameterStore)} of any shape. */
    protected final NDArray constant(
            int slot, float value, Shape shape, NDArray like, ParameterStore ps) {
        NDArray c = constants[slot];
        if (c == null
                || c.isReleased()
                || !c.getShape().equals(shape)
                || c.getDataType() != like.getDataType()
                || !c.getDevice().equals(like.getDevice())) {
            c = ps.getManager().full(shape, value, like.getDataType(), like.getDevice());
            constants[slot] = c;
        }
        return c;
    }

    protected final IllegalArgumentException batchOfOne(String why) {
        return new IllegalArgumentException(
                "norm "
                        + normName
                        + ": batch size 1 in training mode is not supported: "
                        + why
                        + "; use batch size >= 2, or a batch-independent norm (gn, ln)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + channels + ")";
    }
}
