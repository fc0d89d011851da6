package org.normbench.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * GPU memory as PyTorch's {@code torch.cuda.max_memory_allocated} measures it: the peak of bytes
 * held by tensors in libtorch's caching allocator, not the device-wide use {@code cudaMemGetInfo}
 * reports (which also counts the allocator's cached blocks, the CUDA context and cuDNN workspaces).
 * Read from the symbols {@code gpu-setup} compiles into its CUDA JNI builds ({@code
 * normbench_cuda_memory.cc}); empty with DJL's prebuilt JNI or on CPU.
 */
public final class CudaMemory {
    static final String SOURCE_RESOURCE = "/org/normbench/engine/normbench_cuda_memory.cc";

    private CudaMemory() {}

    /**
     * Like {@code torch.cuda.max_memory_allocated(device)}; empty when the loaded JNI lacks the
     * symbol.
     */
    public static OptionalLong maxMemoryAllocated(int device) {
        return function("normbench_cuda_max_memory_allocated")
                .map(f -> OptionalLong.of(f.invokeLong(new Object[] {device})))
                .orElse(OptionalLong.empty());
    }

    /** Like {@code torch.cuda.memory_allocated(device)}. */
    public static OptionalLong memoryAllocated(int device) {
        return function("normbench_cuda_memory_allocated")
                .map(f -> OptionalLong.of(f.invokeLong(new Object[] {device})))
                .orElse(OptionalLong.empty());
    }

    /** Like {@code torch.cuda.reset_peak_memory_stats(device)}; false when not available. */
    public static boolean resetPeak(int device) {
        Optional<Function> f = function("normbench_cuda_reset_peak_memory_stats");
        f.ifPresent(fn -> fn.invokeVoid(new Object[] {device}));
        return f.isPresent();
    }

    /**
     * A C symbol of the loaded JNI ({@code gpu-setup}'s CUDA builds add normbench's own); empty
     * when no JNI is mapped or it lacks the symbol (DJL's prebuilt JNI, CPU builds).
     */
    static Optional<Function> function(String name) {
        TorchRuntime.engine();
        Optional<Path> jni =
                NativeStack.mappedFiles().stream()
                        .filter(p -> p.getFileName().toString().endsWith(JniCache.JNI_FILE))
                        .findFirst();
        if (jni.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(NativeLibrary.getInstance(jni.get().toString()).getFunction(name));
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }
}
