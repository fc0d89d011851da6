package org.normbench.harness;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.normbench.engine.CpuUsage;
import org.normbench.engine.HostFacts;

/**
 * The conditions one invocation of a grid ran under, for the manifest's {@code conditions} list:
 * load average at start and end, wall time, the CPU time the process got and how long its threads
 * waited for a CPU. Why: a run measured while other processes held the cores looks like a slow
 * machine unless the run says so (issue 17). One entry per invocation, so a resumed run keeps the
 * conditions of each part; an invocation that was killed keeps its {@link #started()} entry.
 */
public final class RunConditions {
    private final Instant startedAt = Instant.now();
    private final List<Double> loadAtStart = HostFacts.loadAverage();
    private final CpuUsage.Snapshot start = CpuUsage.now();

    /** The entry written when the invocation starts: start time and load only. */
    public Map<String, Object> started() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("started_at", startedAt.toString());
        c.put("load_average_start", loadAtStart);
        return c;
    }

    /** The complete entry, measured from construction until now. */
    public Map<String, Object> finish() {
        CpuUsage.Delta d = CpuUsage.now().since(start);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("started_at", startedAt.toString());
        c.put("finished_at", Instant.now().toString());
        c.put("load_average_start", loadAtStart);
        c.put("load_average_end", HostFacts.loadAverage());
        c.put("wall_seconds", d.wallNanos() / 1e9);
        c.put("process_cpu_seconds", d.cpuNanos() < 0 ? null : d.cpuNanos() / 1e9);
        c.put(
                "cpu_seconds_per_wall_second",
                d.cpuNanos() < 0 || d.wallNanos() <= 0
                        ? null
                        : (double) d.cpuNanos() / d.wallNanos());
        c.put("runqueue_wait_seconds", d.waitNanos() < 0 ? null : d.waitNanos() / 1e9);
        c.put("cpu_share", d.cpuShare());
        c.put("available_processors", Runtime.getRuntime().availableProcessors());
        return c;
    }
}
