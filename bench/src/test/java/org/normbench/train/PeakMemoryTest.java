package org.normbench.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

/**
 * The CPU peak in {@code peak_memory_bytes} is a peak, not the memory in use when the cell ends: a
 * 256 MiB tensor made and freed after {@link PeakMemory#resetPeak} shows in {@link
 * PeakMemory#peakBytes} although the process's RSS went back down. (The GPU path, the allocator's
 * {@code max_memory_allocated}, is held to PyTorch's measure by {@code GpuGridTest}.)
 */
class PeakMemoryTest {
    private static final long TENSOR_BYTES = 256L << 20;

    @Test
    void theCpuPeakKeepsATensorThatWasFreedBeforeTheReading() {
        Device cpu = Device.cpu();
        TorchRuntime.engine();
        assertTrue(PeakMemory.resetPeak(cpu), "on CPU the high-water mark is always a peak");
        long before = PeakMemory.rssBytes();
        try (NDManager m = TorchRuntime.engine().newBaseManager(cpu)) {
            NDArray big = m.ones(new Shape(TENSOR_BYTES / 4), DataType.FLOAT32);
            assertTrue(big.sum().getFloat() > 0);
        }
        long peak = PeakMemory.peakBytes(cpu);
        assertTrue(
                peak - before >= TENSOR_BYTES * 9 / 10,
                "peak " + peak + " bytes, RSS before the tensor " + before + " bytes");
    }
}
