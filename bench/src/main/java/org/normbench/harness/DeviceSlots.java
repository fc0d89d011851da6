package org.normbench.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * Places concurrently running cells on devices as they free up: a cell whose device is {@code auto}
 * goes to the pool device (e.g. gpu:0, gpu:1) running the fewest cells, waiting while every one
 * runs {@code perDevice}; a cell that names its device ({@code cpu}, {@code gpu:1}) runs there,
 * counted against that device's slots when it is in the pool. Device names only (no DJL), so the
 * placement is testable without a GPU. Thread-safe.
 */
public final class DeviceSlots {
    private final List<String> pool;
    private final int perDevice;
    private final int[] running;

    /**
     * @param pool devices that {@code auto} cells share, e.g. [gpu:0, gpu:1], or [cpu]
     */
    public DeviceSlots(List<String> pool, int perDevice) {
        if (pool.isEmpty() || perDevice < 1) {
            throw new IllegalArgumentException("need at least one device and one slot per device");
        }
        this.pool = List.copyOf(pool);
        this.perDevice = perDevice;
        this.running = new int[pool.size()];
    }

    /** The pool for {@code visibleGpus} GPUs: every GPU, or the CPU alone. */
    public static List<String> poolFor(int visibleGpus) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < visibleGpus; i++) {
            out.add("gpu:" + i);
        }
        if (out.isEmpty()) {
            out.add("cpu");
        }
        return out;
    }

    /**
     * The device a cell asking for {@code requested} runs on; blocks until it has a free slot.
     *
     * @throws InterruptedException when the wait is interrupted (the grid is stopping)
     */
    public synchronized String acquire(String requested) throws InterruptedException {
        while (true) {
            int chosen = -1;
            if ("auto".equals(requested)) {
                for (int i = 0; i < pool.size(); i++) {
                    if (running[i] < perDevice && (chosen < 0 || running[i] < running[chosen])) {
                        chosen = i;
                    }
                }
            } else {
                int i = pool.indexOf(requested);
                if (i < 0) {
                    return requested;
                }
                chosen = running[i] < perDevice ? i : -1;
            }
            if (chosen >= 0) {
                running[chosen]++;
                return pool.get(chosen);
            }
            wait();
        }
    }

    /** Frees the slot {@link #acquire} gave. */
    public synchronized void release(String device) {
        int i = pool.indexOf(device);
        if (i >= 0 && running[i] > 0) {
            running[i]--;
            notifyAll();
        }
    }

    /**
     * A warning when concurrent cells could use several GPUs but every GPU cell names the same few
     * ({@code devices: [gpu]} means gpu:0), so the pool's other GPUs stay idle; null otherwise.
     *
     * @param devices each cell's device as the grid gives it (gpu:0, auto, cpu, ...)
     */
    public static String idleGpusWarning(List<String> devices, int visibleGpus, int jobs) {
        if (visibleGpus < 2 || jobs < 2 || devices.contains("auto")) {
            return null;
        }
        List<String> named = devices.stream().filter(d -> d.startsWith("gpu:")).distinct().toList();
        if (named.isEmpty() || named.size() >= visibleGpus) {
            return null;
        }
        return String.format(
                java.util.Locale.ROOT,
                "warning: every GPU cell names %s, so %d of the %d visible GPUs stay idle with"
                        + " --jobs %d; write devices: [auto] in the grid to spread the cells over"
                        + " them, or run one --shard k/N per GPU (CUDA_VISIBLE_DEVICES=k-1)",
                String.join(", ", named),
                visibleGpus - named.size(),
                visibleGpus,
                jobs);
    }

    /** Cells running on {@code device} now. */
    public synchronized int running(String device) {
        int i = pool.indexOf(device);
        return i < 0 ? 0 : running[i];
    }
}
