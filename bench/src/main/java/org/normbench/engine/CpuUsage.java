package org.normbench.engine;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How much CPU this process got over an interval, to tell a measurement taken on a busy machine
 * from a quiet one. Two kernel counters per thread ({@code /proc/self/task/<tid>/schedstat}): time
 * on a CPU and time runnable but waiting in a run queue for one. {@link Delta#cpuShare()} is the
 * fraction of the time the process wanted a CPU that it got; on a quiet machine it is close to 1,
 * with one competing busy core on 2 cores about 0.65. Where schedstat is missing (not Linux, or a
 * kernel without it) only CPU and wall time are known and the share is null.
 */
public final class CpuUsage {
    /**
     * A cell is {@code contended} when its share over the timed steps is below this
     * (docs/results-format.md).
     */
    public static final double CONTENDED_BELOW = 0.8;

    /** Counters at one moment. */
    public record Snapshot(
            long wallNanos, long cpuNanos, long runNanos, long waitNanos, boolean schedstat) {
        public Delta since(Snapshot earlier) {
            boolean known =
                    schedstat
                            && earlier.schedstat
                            && runNanos >= earlier.runNanos
                            && waitNanos >= earlier.waitNanos;
            // Threads that exited in between take their counters with them; a negative delta is
            // unknown, not zero.
            return new Delta(
                    wallNanos - earlier.wallNanos,
                    cpuNanos - earlier.cpuNanos,
                    known ? runNanos - earlier.runNanos : -1,
                    known ? waitNanos - earlier.waitNanos : -1);
        }
    }

    /**
     * What the process got between two snapshots; {@code runNanos}/{@code waitNanos} are -1 when
     * unknown.
     */
    public record Delta(long wallNanos, long cpuNanos, long runNanos, long waitNanos) {
        /**
         * Time on a CPU / (that + time waiting for one), over all threads; null when unknown or
         * idle.
         */
        public Double cpuShare() {
            if (runNanos < 0 || waitNanos < 0 || runNanos + waitNanos <= 0) {
                return null;
            }
            return (double) runNanos / (runNanos + waitNanos);
        }

        /** True below {@link #CONTENDED_BELOW}, false at or above it, null when unknown. */
        public Boolean contended() {
            Double s = cpuShare();
            return s == null ? null : s < CONTENDED_BELOW;
        }
    }

    private CpuUsage() {}

    public static Snapshot now() {
        long cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime();
        }
        long run = 0;
        long wait = 0;
        boolean ok = false;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String[] f = Files.readString(t.resolve("schedstat")).trim().split("\\s+");
                    run += Long.parseLong(f[0]);
                    wait += Long.parseLong(f[1]);
                    ok = true;
                } catch (IOException | RuntimeException threadGone) {
                    // The thread exited between the listing and the read: its time no longer counts
                    // on either side.
                }
            }
        } catch (IOException | RuntimeException e) {
            ok = false;
        }
        return new Snapshot(System.nanoTime(), cpu, run, wait, ok);
    }
}
