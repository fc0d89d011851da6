package org.normbench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.normbench.datasets.BatchAssembler;
import org.normbench.datasets.CifarBinaryReader;
import org.normbench.datasets.DatasetLoader;
import org.normbench.datasets.ImageDataset;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Question: can one CPU thread feed the training loop? Images per second (score = images/s, since
 * each invocation handles one batch of 128 and declares 128 operations) for CIFAR-style 3x32x32
 * batches: decode CIFAR binary records from a (page-cached) batch file, then normalise + augment
 * (random crop with padding 4, horizontal flip) with {@link BatchAssembler}. Target: at least 20x
 * the full-width ResNet18 training throughput on the same CPU (~70 img/s at batch 32 on 2 cores =>
 * >= 1,400 img/s). Pitfalls avoided: the batch indices are a fixed random permutation (not a
 * cache-friendly sequential walk), the output is consumed by a Blackhole, and the benchmark runs on
 * one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DatasetPipelineBenchmark {

    static final int BATCH = 128;
    static final int IMAGES = 10_000;
    private static final int[] ALL = IntStream.range(0, BATCH).toArray();

    private Path dir;
    private Path batchFile;
    private ImageDataset cifar;
    private ImageDataset grey;
    private BatchAssembler cifarAssembler;
    private BatchAssembler greyAssembler;
    private int[][] batches;
    private int next;
    private float[] out;
    private int[] labels;
    private SplittableRandom rng;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        dir = Files.createTempDirectory("normbench-jmh-data");
        // one batch file of 128 CIFAR records, re-decoded every invocation
        byte[] records = new byte[BATCH * CifarBinaryReader.RECORD_BYTES];
        r.nextBytes(records);
        for (int i = 0; i < BATCH; i++) {
            records[i * CifarBinaryReader.RECORD_BYTES] = (byte) r.nextInt(10);
        }
        batchFile = Files.write(dir.resolve("data_batch_1.bin"), records);
        List<String> classes = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        cifar = synthetic(classes, 3, 32, 32, r);
        grey = synthetic(classes, 1, 28, 28, r);
        float[][] cs = DatasetLoader.channelMeanStd(cifar, true);
        cifarAssembler = new BatchAssembler(3, 32, 32, true, cs[0], cs[1]);
        float[][] gs = DatasetLoader.channelMeanStd(grey, true);
        greyAssembler = new BatchAssembler(1, 28, 28, true, gs[0], gs[1]);
        int[] perm = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            perm[i] = i;
        }
        for (int i = IMAGES - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        batches = new int[IMAGES / BATCH][BATCH];
        for (int b = 0; b < batches.length; b++) {
            System.arraycopy(perm, b * BATCH, batches[b], 0, BATCH);
        }
        out = new float[BATCH * cifarAssembler.imageFloats()];
        labels = new int[BATCH];
        rng = new SplittableRandom(11);
    }

    private static ImageDataset synthetic(
            List<String> classes, int c, int h, int w, SplittableRandom r) {
        byte[] px = new byte[IMAGES * c * h * w];
        r.nextBytes(px);
        int[] lb = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            lb[i] = i % classes.size();
        }
        return new ImageDataset("synthetic", "random bytes", classes, c, h, w, px, lb);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(batchFile);
        Files.deleteIfExists(dir);
    }

    private int[] nextBatch() {
        int[] b = batches[next];
        next = (next + 1) % batches.length;
        return b;
    }

    /** Normalise + augment 128 CIFAR images already in memory (the per-step cost in training). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void cifarAssembleAugmented(Blackhole bh) {
        cifarAssembler.assemble(cifar, nextBatch(), out, labels, rng);
        bh.consume(out);
        bh.consume(labels);
    }

    /** Decode one 128-record CIFAR binary batch file, then normalise + augment it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void cifarDecodeAssembleAugmented(Blackhole bh) throws IOException {
        ImageDataset decoded =
                CifarBinaryReader.read("cifar", "", cifar.classNames(), List.of(batchFile));
        cifarAssembler.assemble(decoded, ALL, out, labels, rng);
        bh.consume(out);
        bh.consume(labels);
    }

    /** The smoke profile's path: 1x28x28 grey padded to 3x32x32, normalised and augmented. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void fashionFitAssembleAugmented(Blackhole bh) {
        greyAssembler.assemble(grey, nextBatch(), out, labels, rng);
        bh.consume(out);
        bh.consume(labels);
    }
}
