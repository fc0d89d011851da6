package org.normbench.jmh;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.normbench.engine.TorchRuntime;
import org.normbench.hooks.ActivationRow;
import org.normbench.hooks.ActivationStats;
import org.normbench.hooks.HistogramRow;
import org.normbench.hooks.HistogramSpec;
import org.normbench.hooks.HookHandle;
import org.normbench.hooks.Hooks;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Question: how much do activation statistics (mean, std, min, max, fractions, exact 40-bin
 * histogram on stem + every residual block) slow a training step (forward, backward, SGD update),
 * full-width ResNet18, batch 32, CPU? Pitfall avoided: on a shared, drifting machine,
 * configurations measured one after another differ by the drift, so one benchmark invocation is a
 * round that runs one unhooked step and one hooked step back to back, alternating which goes first;
 * the per-step times of both are kept and the overhead is the ratio of their medians (printed at
 * tear-down). Stats every N steps costs {@code (N - 1 + ratio) / N}; printed for N = 10. The JMH
 * score is the round time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx3g"})
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 20)
public class HookOverheadBenchmark {

    @Param({"1.0"})
    public double width;

    @Param({"32"})
    public int batchSize;

    /**
     * AUTO (the fused CPU pass on CPU) or DEVICE_OPS (the libtorch-op path GPUs use), e.g. {@code
     * -p path=DEVICE_OPS}.
     */
    @Param({"AUTO"})
    public String path;

    private Engine engine;
    private NDManager root;
    private Block model;
    private ParameterStore store;
    private Optimizer sgd;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private float[] images;
    private int[] labels;
    private ActivationStats stats;
    private final List<Double> plainMs = new ArrayList<>();
    private final List<Double> hookedMs = new ArrayList<>();
    private final List<ActivationRow> rows = new ArrayList<>();
    private final List<HistogramRow> histogramRows = new ArrayList<>();
    private long round;

    @Setup(Level.Trial)
    public void setUp() {
        engine = TorchRuntime.engine();
        engine.setRandomSeed(0);
        root = engine.newBaseManager(Device.cpu());
        model = ResNet18.build(ResNetConfig.cifar("bn", "relu").withWidth(width));
        model.initialize(root, DataType.FLOAT32, new Shape(batchSize, 3, 32, 32));
        store = new ParameterStore(root, false);
        sgd =
                Optimizer.sgd()
                        .setLearningRateTracker((id, n) -> 0.01f)
                        .optMomentum(0.9f)
                        .optWeightDecays(5e-4f)
                        .build();
        SplittableRandom rng = new SplittableRandom(1);
        images = new float[batchSize * 3 * 32 * 32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) rng.nextGaussian();
        }
        labels = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            labels[i] = rng.nextInt(10);
        }
        List<String> layers =
                Hooks.probes(model, "stem,layer*").stream().map(p -> p.name()).toList();
        stats =
                new ActivationStats(
                        HistogramSpec.defaults(), layers, ActivationStats.Path.valueOf(path));
    }

    @Benchmark
    public int interleavedRound() {
        boolean hookedFirst = (round++ & 1) == 1;
        plainOrHooked(hookedFirst);
        plainOrHooked(!hookedFirst);
        return rows.size();
    }

    private void plainOrHooked(boolean hooked) {
        long t0 = System.nanoTime();
        step(hooked);
        (hooked ? hookedMs : plainMs).add((System.nanoTime() - t0) / 1e6);
    }

    /** One training step as the Learner runs it: per-step scope, hooks only on captured steps. */
    private void step(boolean hooked) {
        try (NDManager scope = root.newSubManager()) {
            HookHandle handle = hooked ? Hooks.register(model, "stem,layer*", stats.hook()) : null;
            try {
                NDArray x = scope.create(images, new Shape(batchSize, 3, 32, 32));
                NDArray y = scope.create(labels).toType(DataType.INT64, false);
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray logits = model.forward(store, new NDList(x), true).singletonOrThrow();
                    NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                    gc.backward(l);
                    l.getFloat();
                }
                for (Pair<String, Parameter> p : model.getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        NDArray w = p.getValue().getArray();
                        NDArray g = w.getGradient();
                        g.attach(scope);
                        sgd.update(p.getValue().getId(), w, g);
                    }
                }
                if (hooked) {
                    rows.clear();
                    histogramRows.clear();
                    stats.collect(1, rows, histogramRows);
                }
            } finally {
                if (handle != null) {
                    handle.close();
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        double plain = median(plainMs);
        double hooked = median(hookedMs);
        double ratio = hooked / plain;
        // the same comparison round by round (the two steps of a round share the machine's state)
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < Math.min(plainMs.size(), hookedMs.size()); i++) {
            paired.add(hookedMs.get(i) / plainMs.get(i));
        }
        System.out.printf(
                Locale.ROOT,
                "%nHookOverhead path=%s width=%s batch=%d steps=%d+%d: no hooks median %.1f ms, stats every step %.1f ms,"
                        + " ratio %.3f (%+.1f%%); stats every 10 steps ratio %.4f (%+.2f%%);"
                        + " per-round ratio median %.3f, quartiles %.3f .. %.3f%n",
                path,
                width,
                batchSize,
                plainMs.size(),
                hookedMs.size(),
                plain,
                hooked,
                ratio,
                (ratio - 1) * 100,
                (9 + ratio) / 10,
                (ratio - 1) * 10,
                median(paired),
                quantile(paired, 0.25),
                quantile(paired, 0.75));
        stats.close();
        root.close();
    }

    private static double median(List<Double> v) {
        return quantile(v, 0.5);
    }

    private static double quantile(List<Double> v, double q) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a[(int) (q * (a.length - 1) + 0.5)];
    }
}
