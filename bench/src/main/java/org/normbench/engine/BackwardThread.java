package org.normbench.engine;

import ai.djl.Device;
import com.sun.jna.Function;
import java.util.List;
import java.util.Optional;

/**
 * Where a cell's backward pass runs on a GPU: on the cell's own thread (default), or on libtorch's
 * autograd worker thread for that GPU (PyTorch's default), through the symbols {@code gpu-setup}
 * compiles into its CUDA JNI builds ({@code normbench_autograd_threads.cc}).
 *
 * <p>Why: libtorch's autograd engine keeps one worker thread per GPU and queues the CUDA part of
 * every backward pass of the process on it, whichever thread called backward. One cell at a time
 * only pays a hand-over per step; with {@code bench --jobs N} on one GPU, the N cells' backwards
 * (about half of a host-bound step's host work) take turns on that one thread while their forwards
 * run side by side. Clearing the thread-local flag PyTorch exposes as {@code
 * torch.autograd.set_multithreading_enabled(False)} makes each cell thread run its own backward;
 * the same kernels go to the same streams in the same order, so the numbers do not change. With
 * DJL's prebuilt JNI (no such symbol), a libtorch without the flag (1.x) or on CPU (where the
 * calling thread runs its backward anyway), nothing changes.
 */
public final class BackwardThread {
    static final String SOURCE_RESOURCE = "/org/normbench/engine/normbench_autograd_threads.cc";

    /**
     * System property (or environment variable {@link #ENV}): {@code cell} (default: each cell's
     * backward on its own thread) or {@code autograd} (on libtorch's one autograd thread per GPU,
     * as PyTorch does; to measure what {@code cell} changes).
     */
    public static final String PROPERTY = "normbench.backward.thread";

    public static final String ENV = "NORMBENCH_BACKWARD_THREAD";

    public static final List<String> SETTINGS = List.of("cell", "autograd");

    private static final Setting SETTING = new Setting(PROPERTY, ENV, SETTINGS);

    private BackwardThread() {}

    /** The setting in effect; throws IllegalArgumentException with the allowed values. */
    public static String setting() {
        return SETTING.value();
    }

    /**
     * Makes the calling thread run its own backward passes when {@code device} is a GPU and the
     * setting is {@code cell}; true when it now does. Idempotent; call it before the thread's first
     * backward on that device.
     */
    public static boolean runOnThisThread(Device device) {
        if (!device.isGpu() || !setting().equals("cell")) {
            return false;
        }
        Optional<Function> f = CudaMemory.function("normbench_autograd_set_multithreading");
        return f.isPresent() && f.get().invokeInt(new Object[] {0}) >= 0;
    }

    /**
     * Whether the calling thread's backward passes run on it ({@code 0} from the symbol), empty
     * when the loaded JNI lacks the symbol.
     */
    public static Optional<Boolean> runsOnThisThread() {
        return CudaMemory.function("normbench_autograd_multithreading")
                .map(f -> f.invokeInt(new Object[0]))
                .filter(flag -> flag >= 0)
                .map(flag -> flag == 0);
    }

    /**
     * What the manifest records: {@code "cell"} when each cell thread runs its own backward, {@code
     * "autograd"} when backwards run on libtorch's autograd thread per GPU (the setting says so, or
     * the loaded JNI lacks the symbol), null without CUDA.
     */
    public static String mode(boolean cuda) {
        if (!cuda) {
            return null;
        }
        return setting().equals("cell")
                        && CudaMemory.function("normbench_autograd_set_multithreading").isPresent()
                ? "cell"
                : "autograd";
    }
}
