package org.normbench.jmh;

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
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.normbench.engine.TorchRuntime;
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
 * Question: how much slower is a full ResNet18 training step (CIFAR stem, width 1, batch 32, CPU:
 * forward, softmax cross-entropy, backward, SGD update) with gn, ln or rbn than with bn? Target
 * 1.10x.
 *
 * <p>Two ways to run it. JMH ({@code make jmh JMH_ARGS=NormTrainingStep}) measures each registered
 * norm in turn in one JVM. On a shared, noisy machine the load drifts between those turns, so
 * {@link #main} also runs the models interleaved step by step in one JVM and reports each norm's
 * median and its ratio to bn over the same wall-clock window: {@code java -cp
 * bench/target/test-classes:bench/target/classes:$(cat bench/target/jmh-classpath.txt)
 * org.normbench.jmh.NormTrainingStepBenchmark [rounds] [norm,norm,...]} (default: every registered
 * norm).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx4g",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=2",
            "-Dai.djl.pytorch.num_interop_threads=1"
        })
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class NormTrainingStepBenchmark {
    static final int BATCH = 32;

    /** Every registered norm, filled in by {@link BenchmarkNorms} ({@code make jmh}). */
    @Param(BenchmarkNorms.EVERY_REGISTERED_NORM)
    public String norm;

    private Step step;

    @Setup(Level.Trial)
    public void setUp() {
        step = new Step(BenchmarkNorms.check(norm));
    }

    @Benchmark
    public float trainingStep() {
        return step.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
    }

    /** One model with fixed data; {@link #run} is one SGD step. */
    static final class Step implements AutoCloseable {
        final Engine engine = TorchRuntime.engine();
        final NDManager manager = engine.newBaseManager();
        final Block model;
        final ParameterStore ps;
        final NDArray x;
        final NDArray labels;
        final List<Parameter> params = new ArrayList<>();
        final Loss loss = Loss.softmaxCrossEntropyLoss();

        Step(String norm) {
            ResNetConfig c = ResNetConfig.cifar(norm, "relu");
            engine.setRandomSeed(1);
            model = ResNet18.build(c);
            model.initialize(manager, DataType.FLOAT32, c.inputShape(BATCH));
            ps = new ParameterStore(manager, false);
            x = manager.randomNormal(c.inputShape(BATCH));
            labels =
                    manager.randomInteger(0, 10, new Shape(BATCH), DataType.INT32)
                            .toType(DataType.FLOAT32, false);
            for (Parameter p : model.getParameters().values()) {
                if (p.requiresGradient()) {
                    params.add(p);
                }
            }
        }

        float run() {
            try (NDManager sub = manager.newSubManager()) {
                NDArray in = x.duplicate();
                in.attach(sub);
                NDArray l;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray logits = model.forward(ps, new NDList(in), true).singletonOrThrow();
                    l = loss.evaluate(new NDList(labels), new NDList(logits));
                    gc.backward(l);
                }
                for (Parameter p : params) {
                    NDArray w = p.getArray();
                    // Plain SGD, lr 0.01: the same cost for every norm, so it does not move the
                    // ratios.
                    w.subi(w.getGradient().mul(0.01f));
                }
                return l.getFloat(); // one host sync per step, as a training loop logging the loss
                // has
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** Interleaved measurement: round r runs one step of every norm (order rotated each round). */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmup = 3;
        String[] norms =
                args.length > 1
                        ? args[1].split(",")
                        : BenchmarkNorms.names().toArray(String[]::new);
        Map<String, Step> steps = new LinkedHashMap<>();
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (String n : norms) {
            steps.put(n, new Step(n));
            times.put(n, new ArrayList<>());
            cpu.put(n, new ArrayList<>());
        }
        // Process CPU time (all libtorch threads) is reported beside wall time: on an
        // oversubscribed
        // machine it tracks the work done better than wall time does.
        OperatingSystemMXBean os =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int r = 0; r < warmup + rounds; r++) {
            for (int k = 0; k < norms.length; k++) {
                String n = norms[(r + k) % norms.length];
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                steps.get(n).run();
                double ms = (System.nanoTime() - t0) / 1e6;
                double cpuMs = (os.getProcessCpuTime() - c0) / 1e6;
                if (r >= warmup) {
                    times.get(n).add(ms);
                    cpu.get(n).add(cpuMs);
                }
            }
        }
        double bn = median(times.get(norms[0]));
        double bnCpu = median(cpu.get(norms[0]));
        System.out.printf(
                Locale.ROOT,
                "ResNet18 CIFAR width 1, batch %d, CPU, %d interleaved rounds after %d warm-up (ratio to %s)%n",
                BATCH,
                rounds,
                warmup,
                norms[0]);
        for (String n : norms) {
            double med = median(times.get(n));
            double medCpu = median(cpu.get(n));
            System.out.printf(
                    Locale.ROOT,
                    "%-5s wall median %8.1f ms (p10 %8.1f, p90 %8.1f) ratio %.3f | cpu median %8.1f ms ratio %.3f%n",
                    n,
                    med,
                    pct(times.get(n), 0.1),
                    pct(times.get(n), 0.9),
                    med / bn,
                    medCpu,
                    medCpu / bnCpu);
        }
        steps.values().forEach(Step::close);
    }

    static double median(List<Double> v) {
        return pct(v, 0.5);
    }

    static double pct(List<Double> v, double q) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[(int) Math.min(a.length - 1, Math.round(q * (a.length - 1)))];
    }
}
