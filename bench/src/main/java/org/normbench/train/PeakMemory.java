package org.normbench.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.normbench.engine.CudaMemory;

/**
 * Memory readings for the results: process RSS and its high-water mark from /proc/self/status on
 * CPU (Linux; -1 elsewhere); on a GPU the caching allocator's peak, as {@code
 * torch.cuda.max_memory_allocated} reads it ({@link CudaMemory}, in JNIs built by gpu-setup), else
 * the device-wide use. RSS splits into anonymous pages (malloc heaps, the Java heap, tensors) and
 * file pages (mostly libtorch's code, faulted in as new kernels first run), which tells a leak from
 * warm-up in {@code MemorySoak}. Not a profiler.
 */
public final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {}

    /**
     * Resets the kernel's RSS high-water mark (Linux 4.0+), so the next peak is this run's; false
     * if not possible.
     */
    private static boolean resetHighWaterMark() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** VmHWM in bytes, or -1 when unknown. */
    public static long rssHighWaterBytes() {
        return statusKb("VmHWM:");
    }

    /** VmRSS in bytes, or -1 when unknown. */
    public static long rssBytes() {
        return statusKb("VmRSS:");
    }

    /**
     * RssAnon in bytes (anonymous memory: malloc arenas, Java heap, tensors), or -1 when unknown.
     */
    public static long rssAnonBytes() {
        return statusKb("RssAnon:");
    }

    /**
     * RssFile in bytes (resident pages of mapped files: shared libraries such as libtorch), or -1
     * when unknown.
     */
    public static long rssFileBytes() {
        return statusKb("RssFile:");
    }

    /**
     * Starts a peak measurement on {@code device}: resets the CUDA caching allocator's peak on a
     * GPU, the RSS high-water mark on CPU. True when {@link #peakBytes} will then read a peak: on
     * CPU always (this call's, where the kernel allows the reset, else the process's); false on a
     * GPU whose JNI lacks the allocator symbols (DJL's prebuilt one), where only samples of {@link
     * #deviceBytes} can approximate it.
     */
    public static boolean resetPeak(Device device) {
        if (device.isGpu()) {
            return CudaMemory.resetPeak(device.getDeviceId());
        }
        resetHighWaterMark();
        return true;
    }

    /**
     * The peak since {@link #resetPeak}: {@code torch.cuda.max_memory_allocated} on a GPU (-1 when
     * the JNI lacks it), the RSS high-water mark on CPU.
     */
    public static long peakBytes(Device device) {
        if (device.isGpu()) {
            return CudaMemory.maxMemoryAllocated(device.getDeviceId()).orElse(-1);
        }
        return rssHighWaterBytes();
    }

    /**
     * Device-wide bytes in use on a GPU ({@code cudaMemGetInfo}: tensors plus the allocator's
     * cache, the CUDA context and cuDNN workspaces), else the RSS high-water mark.
     */
    public static long deviceBytes(Device device) {
        if (device.isGpu()) {
            try {
                return CudaUtils.getGpuMemory(device).getUsed();
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return -1;
            }
        }
        return rssHighWaterBytes();
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
