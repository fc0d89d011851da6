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
import java.util.concurrent.TimeUnit;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.NormOptions;
import org.normbench.model.NormRegistry;
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
 * {@code bn} at the same batch is the number to read. Run: {@code make jmh JMH_ARGS=NormForwardBackward}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2", "-Dai.djl.pytorch.num_interop_threads=1"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class NormForwardBackwardBenchmark {

    @Param({"bn", "gn", "ln", "rbn"})
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
        block = NormRegistry.get(norm).create(64, NormOptions.DEFAULTS);
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
}
