package org.normbench.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory readings for the results: process RSS and its high-water mark from /proc/self/status on
 * CPU (Linux; -1 elsewhere), CUDA memory in use on a GPU. RSS splits into anonymous pages (malloc
 * heaps, the Java heap, tensors) and file pages (mostly libtorch's code, faulted in as new kernels
 * first run), which tells a leak from warm-up in {@code MemorySoak}. Not a profiler.
 */
public final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {}

    /**
     * Resets the kernel's RSS high-water mark (Linux 4.0+), so the next peak is this run's; false
     * if not possible.
     */
    public static boolean resetHighWaterMark() {
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

    /** Bytes in use on {@code device} when it is a GPU, else the RSS high-water mark. */
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
