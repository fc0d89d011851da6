package org.normbench.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.cli.NormbenchCli;
import org.normbench.engine.CudaMemory;
import org.normbench.engine.TorchRuntime;
import org.normbench.results.ResultsSchema;

/**
 * Grids on the GPU end to end: a two-cell train grid, an out-of-memory cell, and the peak-memory
 * measure.
 */
@Tag("gpu")
class GpuGridTest {

    @TempDir Path tmp;

    private List<String> runGrid(String name, String yaml, int expectedExit) throws Exception {
        Path grid = tmp.resolve(name + ".yaml");
        Files.writeString(grid, yaml);
        int code =
                NormbenchCli.commandLine()
                        .execute(
                                "bench",
                                "--grid",
                                grid.toString(),
                                "--run",
                                name,
                                "--runs-dir",
                                tmp.resolve("runs").toString(),
                                "--quiet");
        List<String> rows =
                Files.readAllLines(tmp.resolve("runs").resolve(name).resolve(ResultsSchema.CELLS));
        assertEquals(expectedExit, code, String.join("\n", rows));
        return rows.subList(1, rows.size());
    }

    @Test
    void twoCellTrainGridRunsOnTheGpu() throws Exception {
        Gpu.device("GpuGridTest.twoCellTrainGridRunsOnTheGpu");
        List<String> rows =
                runGrid(
                        "train2",
                        String.join(
                                "\n",
                                "name: train2",
                                "dataset: fashion-mnist-subset",
                                "devices: [gpu]",
                                "train_limit: 256",
                                "test_limit: 128",
                                "train:",
                                "  width: 0.25",
                                "  norms: [bn, gn]",
                                "  activations: [relu]",
                                "  batch_sizes: [32]",
                                "  steps: 20",
                                "  hooks:",
                                "    every_steps: 5",
                                ""),
                        0);
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(
                rows.stream().allMatch(r -> r.contains(",ok,") && r.contains("gpu")),
                rows.toString());
    }

    @Test
    void aCellThatCannotFitIsOomItsMemoryIsReleasedAndTheNextCellRuns() throws Exception {
        Gpu.device("GpuGridTest.oom");
        OptionalLong before = CudaMemory.memoryAllocated(0);
        List<String> rows =
                runGrid(
                        "oom",
                        String.join(
                                "\n",
                                "name: oom",
                                "dataset: fashion-mnist-subset",
                                "devices: [gpu]",
                                "throughput:",
                                "  width: 1.0",
                                "  norms: [bn]",
                                "  activations: [relu]",
                                "  batch_sizes: [65536, 8]",
                                "  warmup_steps: 1",
                                "  timed_steps: 2",
                                ""),
                        1);
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(
                rows.stream().anyMatch(r -> r.contains("bs65536") && r.contains(",oom,")),
                rows.toString());
        assertTrue(
                rows.stream().anyMatch(r -> r.contains("bs8-") && r.contains(",ok,")),
                rows.toString());
        OptionalLong after = CudaMemory.memoryAllocated(0);
        if (before.isPresent() && after.isPresent()) {
            assertTrue(
                    after.getAsLong() - before.getAsLong() < (64L << 20),
                    "tensor memory held after the grid: "
                            + before.getAsLong()
                            + " -> "
                            + after.getAsLong()
                            + " bytes");
        }
    }

    @Test
    void peakMemoryIsMeasuredAsTorchCudaMaxMemoryAllocated() {
        Device gpu = Gpu.device("GpuGridTest.peakMemory");
        assertTrue(
                CudaMemory.resetPeak(0),
                "the loaded JNI lacks normbench's CUDA memory symbols: run `make gpu-setup` (CUDA builds carry them)");
        long base = CudaMemory.memoryAllocated(0).orElseThrow();
        long bytes = 256L << 20;
        try (NDManager m = TorchRuntime.engine().newBaseManager(gpu)) {
            NDArray big = m.zeros(new Shape(bytes / 4), DataType.FLOAT32);
            assertEquals(0f, big.sum().getFloat());
        }
        long peak = CudaMemory.maxMemoryAllocated(0).orElseThrow();
        assertTrue(
                peak - base >= bytes && peak - base < bytes + (16L << 20),
                "peak "
                        + peak
                        + " bytes over a base of "
                        + base
                        + " for one "
                        + bytes
                        + "-byte tensor");
        assertTrue(
                CudaMemory.memoryAllocated(0).orElseThrow() - base < (1L << 20),
                "the tensor's memory went back to the allocator");
    }
}
