package org.normbench.hooks;

import java.util.List;

/**
 * A registration made by {@link Hooks#register}: closing it detaches the hook from every probe it
 * was attached to, so {@code try (HookHandle h = Hooks.register(...)) { ... }} scopes a hook to a
 * block of code. Closing twice is harmless. Not thread-safe against concurrent forwards: remove
 * hooks between steps, never in the middle of one.
 */
public final class HookHandle implements AutoCloseable {
    private final List<Probe> probes;
    private final ForwardHook hook;
    private boolean closed;

    HookHandle(List<Probe> probes, ForwardHook hook) {
        this.probes = List.copyOf(probes);
        this.hook = hook;
    }

    /** Names of the probes this hook is attached to, in depth order (input to output). */
    public List<String> layers() {
        return probes.stream().map(Probe::name).toList();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Probe p : probes) {
            p.removeHook(hook);
        }
    }
}
