package org.normbench.jmh;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;
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
 * Question: what does one norm layer cost, forward + backward (gradients for input, gamma, beta),
 * on a 64-channel 32x32 activation in training mode on CPU, relative to BatchNorm? The ratio to
 * {@code bn} at the same batch is the number to read. Run: {@code make jmh
 * JMH_ARGS=NormForwardBackward} (every registered norm; {@code -p norm=bn,gn} for some).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=2",
            "-Dai.djl.pytorch.num_interop_threads=1"
        })
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class NormForwardBackwardBenchmark {

    /** Every registered norm, filled in by {@link BenchmarkNorms} ({@code make jmh}). */
    @Param(BenchmarkNorms.EVERY_REGISTERED_NORM)
    public String norm;

    @Param({"2", "32", "128"})
    public int batch;

    private Engine engine;
    private NDManager manager;
    private Block block;
    private ParameterStore ps;
    private NDArray x;
    private NDArray upstream;

    @Setup(Level.Trial)
    public void setUp() {
        engine = TorchRuntime.engine();
        manager = engine.newBaseManager();
        Shape shape = new Shape(batch, 64, 32, 32);
        block = NormRegistry.get(BenchmarkNorms.check(norm)).create(64, NormOptions.DEFAULTS);
        block.initialize(manager, DataType.FLOAT32, shape);
        ps = new ParameterStore(manager, false);
        engine.setRandomSeed(1);
        x = manager.randomNormal(shape);
        upstream = manager.randomNormal(shape);
    }

    @Benchmark
    public NDArray forwardBackward() {
        try (NDManager step = manager.newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(step);
            in.setRequiresGradient(true);
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray y = block.forward(ps, new NDList(in), true).singletonOrThrow();
                gc.backward(y.mul(upstream).sum());
            }
            return in.getGradient();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * Interleaved variant for a noisy machine: for each batch size, rounds of one call per
     * registered norm (order rotated), median wall and process-CPU time per call, ratio to the
     * first (bn). {@code java -cp ... org.normbench.jmh.NormForwardBackwardBenchmark [rounds]
     * [calls per sample]}.
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String[] norms = BenchmarkNorms.names().toArray(String[]::new);
        OperatingSystemMXBean os =
                (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int batch : new int[] {2, 32, 128}) {
            Map<String, NormForwardBackwardBenchmark> states = new LinkedHashMap<>();
            Map<String, double[]> wall = new LinkedHashMap<>();
            Map<String, double[]> cpu = new LinkedHashMap<>();
            for (String n : norms) {
                NormForwardBackwardBenchmark b = new NormForwardBackwardBenchmark();
                b.norm = n;
                b.batch = batch;
                b.setUp();
                states.put(n, b);
                wall.put(n, new double[rounds]);
                cpu.put(n, new double[rounds]);
            }
            for (int r = -2; r < rounds; r++) {
                for (int k = 0; k < norms.length; k++) {
                    String n = norms[(Math.max(r, 0) + k) % norms.length];
                    long c0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        states.get(n).forwardBackward();
                    }
                    if (r >= 0) {
                        wall.get(n)[r] = (System.nanoTime() - t0) / 1e6 / calls;
                        cpu.get(n)[r] = (os.getProcessCpuTime() - c0) / 1e6 / calls;
                    }
                }
            }
            double bnWall = median(wall.get(norms[0]));
            double bnCpu = median(cpu.get(norms[0]));
            for (String n : norms) {
                System.out.printf(
                        Locale.ROOT,
                        "64x32x32 batch %3d %-4s wall median %8.2f ms ratio %.2f | cpu median %8.2f ms ratio %.2f%n",
                        batch,
                        n,
                        median(wall.get(n)),
                        median(wall.get(n)) / bnWall,
                        median(cpu.get(n)),
                        median(cpu.get(n)) / bnCpu);
                states.get(n).tearDown();
            }
        }
    }

    private static double median(double[] v) {
        double[] a = v.clone();
        Arrays.sort(a);
        return a[a.length / 2];
    }
}
