package org.normbench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.cli.InProcessCli;
import org.normbench.engine.BackwardThread;
import org.normbench.engine.CellThreads;
import org.normbench.engine.CudaStreams;
import org.normbench.results.ResultsSchema;

/**
 * What a cell thread sets up on a GPU before its first cell ({@link CellThreads}): a CUDA stream of
 * its own and its own backward passes, per thread; and that running the backward on the cell's
 * thread, alone or with two cells at once, trains to the same losses as libtorch's autograd thread.
 */
@Tag("gpu")
class GpuCellThreadsTest {

    @TempDir Path tmp;

    /** (stream id, backward on this thread) as a fresh thread sees them, before and after. */
    private static long[] onAFreshThread(Device gpu, boolean prepare) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<long[]> f =
                    thread.submit(
                            () -> {
                                if (prepare) {
                                    CellThreads.prepare(gpu);
                                }
                                OptionalLong stream = CudaStreams.currentStream(gpu);
                                return new long[] {
                                    stream.orElse(-1),
                                    BackwardThread.runsOnThisThread()
                                            .map(b -> b ? 1L : 0L)
                                            .orElse(-1L)
                                };
                            });
            return f.get();
        } finally {
            thread.shutdown();
        }
    }

    @Test
    void eachPreparedThreadGetsItsOwnStreamAndRunsItsOwnBackward() throws Exception {
        Device gpu = Gpu.device("GpuCellThreadsTest.perThread");
        long[] plain = onAFreshThread(gpu, false);
        assertTrue(
                plain[0] >= 0 && plain[1] >= 0,
                "the loaded JNI lacks normbench_cuda_streams.cc or normbench_autograd_threads.cc"
                        + " (see `warning: left out` in make gpu-setup's log): stream "
                        + plain[0]
                        + ", backward flag "
                        + plain[1]);
        assertEquals(0, plain[0], "a fresh thread queues on the default stream");
        assertEquals(0, plain[1], "a fresh thread leaves its backward to libtorch's GPU thread");

        long[] prepared = onAFreshThread(gpu, true);
        assertNotEquals(0, prepared[0], "a prepared thread has a pool stream of its own");
        assertEquals(
                BackwardThread.setting().equals("cell") ? 1 : 0,
                prepared[1],
                "backward on the prepared thread (" + BackwardThread.ENV + " says where)");

        long[] after = onAFreshThread(gpu, false);
        assertEquals(0, after[0], "thread-local: another thread keeps the default stream");
        assertEquals(0, after[1], "thread-local: another thread keeps libtorch's default");
    }

    @Test
    void backwardOnTheCellThreadTrainsAsOnLibtorchsAutogradThreadAlsoTwoCellsAtOnce()
            throws Exception {
        Gpu.device("GpuCellThreadsTest.sameLosses");
        Path grid = tmp.resolve("cells.yaml");
        Files.writeString(
                grid,
                String.join(
                        "\n",
                        "name: cellthreads",
                        "dataset: fashion-mnist-subset",
                        "devices: [gpu]",
                        "train_limit: 256",
                        "test_limit: 128",
                        "train:",
                        "  width: 0.25",
                        "  norms: [bn, rbn]",
                        "  activations: [relu]",
                        "  batch_sizes: [8]",
                        "  steps: 12",
                        ""));
        Map<String, Double> autograd = losses(grid, "autograd", "1");
        Map<String, Double> cell = losses(grid, "cell", "1");
        Map<String, Double> cellTwoJobs = losses(grid, "cell", "2");
        assertTrue(
                autograd.keySet().stream().map(k -> k.split("@")[0]).distinct().count() == 2,
                "both cells' losses: " + autograd);
        assertEquals(autograd.keySet(), cell.keySet());
        assertEquals(autograd.keySet(), cellTwoJobs.keySet());
        // cuDNN may pick non-deterministic kernels (atomics in the weight gradients), so equal up
        // to float noise, over few steps so that the noise has little time to grow (training.md,
        // Determinism); a backward on the wrong stream or a lost gradient is off by far more.
        for (String key : autograd.keySet()) {
            double a = autograd.get(key);
            for (Map.Entry<String, Map<String, Double>> other :
                    Map.of("--jobs 1", cell, "--jobs 2", cellTwoJobs).entrySet()) {
                double b = other.getValue().get(key);
                assertTrue(
                        Math.abs(a - b) <= 1e-4 * (1 + Math.abs(a)),
                        key
                                + ": "
                                + a
                                + " on libtorch's autograd thread, "
                                + b
                                + " on the cell's with "
                                + other.getKey());
            }
        }
    }

    /** Every (cell, step) train loss of the grid run with that setting and --jobs. */
    private Map<String, Double> losses(Path grid, String setting, String jobs) throws Exception {
        String run = setting + "-jobs" + jobs;
        System.setProperty(BackwardThread.PROPERTY, setting);
        InProcessCli.Outcome o;
        try {
            // One CPU thread per cell in every run: --jobs alone would split the cores, and the
            // host-side ops would then sum in another order.
            o =
                    InProcessCli.bench(
                            grid,
                            tmp.resolve("runs"),
                            run,
                            "--jobs",
                            jobs,
                            "--threads",
                            "1",
                            "--quiet");
        } finally {
            System.clearProperty(BackwardThread.PROPERTY);
        }
        assertEquals(0, o.code(), o.log());
        Path dir = tmp.resolve("runs").resolve(run);
        Map<?, ?> manifest =
                new ObjectMapper().readValue(dir.resolve("manifest.json").toFile(), Map.class);
        assertEquals(setting, manifest.get("backward_thread"), "manifest of " + run);
        Map<String, Double> losses = new TreeMap<>();
        try (Reader in = Files.newBufferedReader(dir.resolve(ResultsSchema.CURVES))) {
            for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().build().parse(in)) {
                losses.put(
                        r.get("cell_id") + "@" + r.get("step"),
                        Double.valueOf(r.get("train_loss")));
            }
        }
        return losses;
    }
}
