package org.normbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A bias-free, ungrouped {@link Conv2d} that hands libtorch's oneDNN kernels only channel counts
 * that are multiples of {@value #CHANNEL_BLOCK}, by zero-padding its weight (and, for more than
 * {@value #PLAIN_INPUT_CHANNELS} input channels, its input) along the channel axes and slicing the
 * padding off the output. Same parameter (name, shape, initializer, gradient) as a plain Conv2d; at
 * widths whose channel counts are already multiples of 16 (every full-width ResNet18 layer) it is
 * exactly a plain Conv2d. Not a general convolution: no bias, groups, or dilation.
 *
 * <p>Why: oneDNN 3.7.1 inside libtorch 2.7.1 stores a tensor whose channel count is not a multiple
 * of its SIMD block (8 under AVX2, 16 under AVX-512) in a blocked layout with padded channels, and
 * its jit convolution kernels let whatever the allocator left in that padding reach the result:
 * NaN/Inf bit patterns there turn input gradients (and sometimes outputs) into NaN, at random,
 * depending on heap history. That made narrow models (width 0.0625: 4 channels under AVX2; 8 and 12
 * under AVX-512) diverge with "loss NaN" now and then. The test-scoped NanReproducer shows it by
 * filling the heap with NaN before each step; NanConvolutionTest proves this block immune to it.
 */
public final class ChannelPaddedConv2d extends Conv2d {
    /** The largest oneDNN channel block on x86 (AVX-512); a multiple of AVX2's 8. */
    static final int CHANNEL_BLOCK = 16;

    /** oneDNN reads inputs of this few channels (a stem's RGB/grey image) in the plain layout. */
    static final int PLAIN_INPUT_CHANNELS = 3;

    private ChannelPaddedConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /** {@code out} filters of {@code k x k}, the given stride and padding, no bias. */
    public static ChannelPaddedConv2d of(int out, int k, int stride, int pad) {
        return new ChannelPaddedConv2d(
                Conv2d.builder()
                        .setFilters(out)
                        .setKernelShape(new Shape(k, k))
                        .optStride(new Shape(stride, stride))
                        .optPadding(new Shape(pad, pad))
                        .optBias(false));
    }

    static long padded(long channels) {
        return (channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        Shape ws = w.getShape();
        long out = ws.get(0);
        long in = ws.get(1);
        long outPadded = padded(out);
        long inPadded = in <= PLAIN_INPUT_CHANNELS ? in : padded(in);
        // An op's result joins its first operand's manager: for the weight that is the model's
        // manager,
        // which lives as long as the model, so the padded copies are attached to the input's step
        // scope.
        NDManager scope = x.getManager();
        if (outPadded != out) {
            w =
                    w.concat(
                            scope.zeros(
                                    new Shape(outPadded - out, in, ws.get(2), ws.get(3)),
                                    w.getDataType(),
                                    w.getDevice()),
                            0);
            w.attach(scope);
        }
        if (inPadded != in) {
            Shape xs = x.getShape();
            x =
                    x.concat(
                            x.getManager()
                                    .zeros(
                                            new Shape(
                                                    xs.get(0), inPadded - in, xs.get(2), xs.get(3)),
                                            x.getDataType(),
                                            x.getDevice()),
                            1);
            w =
                    w.concat(
                            scope.zeros(
                                    new Shape(outPadded, inPadded - in, ws.get(2), ws.get(3)),
                                    w.getDataType(),
                                    w.getDevice()),
                            1);
            w.attach(scope);
        }
        NDArray y = Conv2d.conv2d(x, w, null, stride, padding, dilation, 1).singletonOrThrow();
        return new NDList(outPadded == out ? y : y.get(":, :" + out));
    }
}
