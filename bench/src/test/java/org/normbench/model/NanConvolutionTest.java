package org.normbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.normbench.engine.TorchRuntime;

/**
 * The narrow-model "loss NaN" (oneDNN's padded channel blocks leaking heap garbage into conv
 * results, see {@link ChannelPaddedConv2d}): with the heap full of NaN before forward and backward,
 * the channel-padded convolution and whole narrow ResNet18s still give finite, exact, repeatable
 * results. Before the fix each of these failed in most repetitions under AVX-512 and in some under
 * AVX2.
 */
class NanConvolutionTest {
    final Engine engine = TorchRuntime.engine();

    @ParameterizedTest(name = "{0}->{1} k{2} s{3}")
    @CsvSource({"1,4,3,1", "4,4,3,1", "4,8,3,2", "4,8,1,2", "8,8,3,1", "12,12,3,1", "16,16,3,1"})
    void paddedConvolutionMatchesAFloat64ReferenceOnANanFilledHeap(
            int in, int out, int k, int stride) {
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(3);
            Shape xs = new Shape(8, in, 14, 14);
            NDArray x = m.randomNormal(xs);
            NDArray w = m.randomNormal(new Shape(out, in, k, k)).mul(0.2);
            long side = (14 + 2 * (k / 2) - k) / stride + 1;
            NDArray dy = m.randomNormal(new Shape(8, out, side, side));
            NDArray[] ref = plainConv(m, x, w, dy, stride, k / 2, DataType.FLOAT64);
            ChannelPaddedConv2d conv = ChannelPaddedConv2d.of(out, k, stride, k / 2);
            conv.initialize(m, DataType.FLOAT32, xs);
            assertEquals(
                    new Shape(out, in, k, k),
                    conv.getParameters().get("weight").getArray().getShape());
            conv.getParameters().get("weight").getArray().set(w.toFloatArray());
            for (int rep = 0; rep < 4; rep++) {
                NanHeap.poison(m);
                try (NDManager step = m.newSubManager();
                        GradientCollector gc = engine.newGradientCollector()) {
                    gc.zeroGradients();
                    NDArray xr = x.duplicate();
                    xr.attach(step);
                    xr.setRequiresGradient(true);
                    NDArray y =
                            conv.forward(new ParameterStore(step, false), new NDList(xr), true)
                                    .singletonOrThrow();
                    NanHeap.poison(m);
                    gc.backward(y.mul(dy).sum());
                    assertClose(ref[0], y, "output, rep " + rep);
                    assertClose(ref[1], xr.getGradient(), "input gradient, rep " + rep);
                    assertClose(
                            ref[2],
                            conv.getParameters().get("weight").getArray().getGradient(),
                            "weight gradient, rep " + rep);
                }
            }
        }
    }

    /** Conv in float64: libtorch's native kernel (oneDNN runs float32 only), the reference. */
    private NDArray[] plainConv(
            NDManager m, NDArray x0, NDArray w0, NDArray dy, int stride, int pad, DataType t) {
        NDArray x = x0.toType(t, true);
        NDArray w = w0.toType(t, true);
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray y =
                    Conv2d.conv2d(
                                    x,
                                    w,
                                    null,
                                    new Shape(stride, stride),
                                    new Shape(pad, pad),
                                    new Shape(1, 1),
                                    1)
                            .singletonOrThrow();
            gc.backward(y.mul(dy.toType(t, false)).sum());
            // Copies: a later GradientCollector.zeroGradients() zeroes every gradient in the
            // engine.
            return new NDArray[] {y, x.getGradient().duplicate(), w.getGradient().duplicate()};
        }
    }

    private static void assertClose(NDArray ref, NDArray got, String what) {
        NDArray g = got.toType(DataType.FLOAT64, false);
        assertTrue(Double.isFinite(g.sum().getDouble()), what + " has non-finite values");
        double err = g.sub(ref).abs().max().getDouble() / ref.abs().max().getDouble();
        assertTrue(err < 1e-5, what + ": max relative error " + err);
    }

    @ParameterizedTest(name = "{0} {1} width {2}")
    @CsvSource({
        "gn,leaky_relu,0.0625",
        "ln,relu,0.0625",
        "rbn,leaky_relu,0.0625",
        "bn,relu,0.0625",
        "gn,leaky_relu,0.125"
    })
    void narrowResNet18GivesFiniteRepeatableGradientsOnANanFilledHeap(
            String norm, String act, double width) {
        ResNetConfig c = ResNetConfig.cifar(norm, act).withWidth(width).withInput(1, 28);
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(0);
            Block net = ResNet18.build(c);
            net.initialize(m, DataType.FLOAT32, c.inputShape(1));
            NDArray x = m.randomNormal(c.inputShape(8));
            NDArray labels = m.randomInteger(0, 10, new Shape(8), DataType.INT32);
            Map<String, float[]> first = null;
            for (int rep = 0; rep < 3; rep++) {
                NanHeap.poison(m);
                Map<String, float[]> grads = new LinkedHashMap<>();
                try (NDManager step = m.newSubManager();
                        GradientCollector gc = engine.newGradientCollector()) {
                    gc.zeroGradients();
                    NDArray logits =
                            net.forward(new ParameterStore(step, false), new NDList(x), true)
                                    .singletonOrThrow();
                    // Again before backward, where the faulty kernels (conv backward-data)
                    // allocate.
                    NanHeap.poison(m);
                    gc.backward(
                            Loss.softmaxCrossEntropyLoss()
                                    .evaluate(new NDList(labels), new NDList(logits)));
                    for (var e : net.getParameters()) {
                        Parameter p = e.getValue();
                        if (p.requiresGradient()) {
                            grads.put(e.getKey(), p.getArray().getGradient().toFloatArray());
                        }
                    }
                }
                List<String> nonFinite = new ArrayList<>();
                grads.forEach(
                        (name, g) -> {
                            for (float f : g) {
                                if (!Float.isFinite(f)) {
                                    nonFinite.add(name);
                                    return;
                                }
                            }
                        });
                assertEquals(
                        List.of(), nonFinite, "parameters with non-finite gradients, rep " + rep);
                // rbn's running sums move every training forward, so its gradients legitimately
                // change.
                if (first == null) {
                    first = grads;
                } else if (!norm.equals("rbn")) {
                    for (var e : grads.entrySet()) {
                        assertArrayEquals(
                                first.get(e.getKey()),
                                e.getValue(),
                                e.getKey() + " differs in rep " + rep);
                    }
                }
            }
        }
    }
}
