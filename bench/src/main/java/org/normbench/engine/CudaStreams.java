package org.normbench.engine;

import ai.djl.Device;
import com.sun.jna.Function;
import java.util.BitSet;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One CUDA stream per cell thread, from libtorch's stream pool, through the symbols {@code
 * gpu-setup} compiles into its CUDA JNI builds ({@code normbench_cuda_streams.cc}). Why: c10's
 * current stream is thread-local, so once a thread has its own, every op DJL dispatches from it
 * queues there, and a host read (the loss, the step timer's sync) waits for that stream alone; on
 * the legacy default stream, which all threads share otherwise, each cell of {@code bench --jobs N}
 * would also wait for the other cells' queued kernels (issue 14: "each with its own stream").
 *
 * <p>Once per thread and device, and before the thread allocates anything there: the caching
 * allocator keeps freed blocks per stream, so a thread that changed streams between cells would
 * strand the earlier cells' cached memory, and tensors made on the default stream would race with a
 * non-blocking pool stream that does not wait for it. With DJL's prebuilt JNI (no such symbol) or
 * on CPU, nothing changes.
 */
public final class CudaStreams {
    static final String SOURCE_RESOURCE = "/org/normbench/engine/normbench_cuda_streams.cc";

    /** Per thread, the device ids it already runs on its own stream. */
    private static final ThreadLocal<BitSet> SWITCHED = ThreadLocal.withInitial(BitSet::new);

    private CudaStreams() {}

    /**
     * Gives the calling thread a pool stream of its own on {@code device} if it has none yet; true
     * when the thread now runs on its own stream, false on CPU or where the JNI lacks the symbol.
     */
    public static boolean ownStreamForThisThread(Device device) {
        if (!device.isGpu()) {
            return false;
        }
        int id = Math.max(0, device.getDeviceId());
        BitSet switched = SWITCHED.get();
        if (switched.get(id)) {
            return true;
        }
        Optional<Function> f = CudaMemory.function("normbench_cuda_use_pool_stream");
        if (f.isEmpty() || f.get().invokeLong(new Object[] {id}) < 0) {
            return false;
        }
        switched.set(id);
        return true;
    }

    /**
     * The calling thread's current stream id on {@code device} (0: the legacy default stream);
     * empty on CPU or where the JNI lacks the symbol.
     */
    public static OptionalLong currentStream(Device device) {
        if (!device.isGpu()) {
            return OptionalLong.empty();
        }
        return CudaMemory.function("normbench_cuda_current_stream")
                .map(f -> f.invokeLong(new Object[] {Math.max(0, device.getDeviceId())}))
                .filter(id -> id >= 0)
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    /**
     * What the manifest records: {@code "per_thread"} when the loaded JNI can give each cell thread
     * its own stream, {@code "default"} when it cannot (DJL's prebuilt JNI), null without CUDA.
     */
    public static String mode(boolean cuda) {
        if (!cuda) {
            return null;
        }
        return CudaMemory.function("normbench_cuda_use_pool_stream").isPresent()
                ? "per_thread"
                : "default";
    }
}
