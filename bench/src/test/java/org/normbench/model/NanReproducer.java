package org.normbench.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.normbench.engine.TorchRuntime;

/**
 * Reproduces the engine bug behind the narrow models' "loss NaN" (a command-line tool, not a test):
 * for each {@code cin x cout} given, runs a 3x3 convolution's forward and backward {@code reps}
 * times, with {@link NanHeap#poison} before forward and before backward, and counts runs with a
 * non-finite output or input gradient, for a plain {@link Conv2d} and for {@link
 * ChannelPaddedConv2d}. Run it with the launcher's environment, e.g. (after {@code ./mvnw -B -q
 * package -DskipTests} and test-compile):
 *
 * <pre>
 * MALLOC_MMAP_THRESHOLD_=2147483647 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=1073741824 \
 * DJL_OFFLINE=true DNNL_MAX_CPU_ISA=AVX2 java -cp 'bench/target/test-classes:bench/target/normbench.jar:bench/target/lib/*' \
 *   org.normbench.model.NanReproducer 20 4x4 8x8 12x12 16x16
 * </pre>
 */
public final class NanReproducer {
    private NanReproducer() {}

    public static void main(String[] args) {
        Engine engine = TorchRuntime.engine();
        int reps = Integer.parseInt(args[0]);
        System.out.println(
                "DNNL_MAX_CPU_ISA=" + System.getenv().getOrDefault("DNNL_MAX_CPU_ISA", "(unset)"));
        for (int i = 1; i < args.length; i++) {
            String[] io = args[i].split("x");
            int in = Integer.parseInt(io[0]);
            int out = Integer.parseInt(io[1]);
            System.out.printf(
                    "conv %d->%d 3x3, batch 8, 28x28: non-finite runs plain %d/%d, channel-padded %d/%d%n",
                    in,
                    out,
                    nonFiniteRuns(engine, in, out, reps, false),
                    reps,
                    nonFiniteRuns(engine, in, out, reps, true),
                    reps);
        }
    }

    static int nonFiniteRuns(Engine engine, int in, int out, int reps, boolean padded) {
        int bad = 0;
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(1);
            Block conv =
                    padded
                            ? ChannelPaddedConv2d.of(out, 3, 1, 1)
                            : Conv2d.builder()
                                    .setFilters(out)
                                    .setKernelShape(new Shape(3, 3))
                                    .optPadding(new Shape(1, 1))
                                    .optBias(false)
                                    .build();
            Shape xs = new Shape(8, in, 28, 28);
            conv.initialize(m, DataType.FLOAT32, xs);
            NDArray x0 = m.randomNormal(xs);
            for (int r = 0; r < reps; r++) {
                NanHeap.poison(m);
                try (NDManager step = m.newSubManager();
                        GradientCollector gc = engine.newGradientCollector()) {
                    gc.zeroGradients();
                    NDArray x = x0.duplicate();
                    x.attach(step);
                    x.setRequiresGradient(true);
                    NDArray y =
                            conv.forward(new ParameterStore(step, false), new NDList(x), true)
                                    .singletonOrThrow();
                    NanHeap.poison(m);
                    gc.backward(
                            y.mul(
                                            y.getManager()
                                                    .arange((float) y.size())
                                                    .reshape(y.getShape())
                                                    .mod(7)
                                                    .sub(3))
                                    .sum());
                    if (!Float.isFinite(y.sum().getFloat())
                            || !Float.isFinite(x.getGradient().sum().getFloat())) {
                        bad++;
                    }
                }
            }
        }
        return bad;
    }
}
