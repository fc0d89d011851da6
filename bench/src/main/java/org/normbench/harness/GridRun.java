package org.normbench.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.normbench.grid.Budget;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;
import org.normbench.results.CellOutcome;
import org.normbench.results.CellOutput;
import org.normbench.results.CellStatus;
import org.normbench.results.ResultsSchema;
import org.normbench.results.RunDirectory;

/**
 * The grid loop: for each cell not finished yet, run it, store it atomically, update the
 * aggregates, print one line. A failing cell is recorded with its status and the loop goes on;
 * finished cells (from an earlier, perhaps killed, invocation) are skipped; a requested stop
 * ({@link StopRequest}) ends the loop at a step boundary without recording the cell in progress.
 * Not the place where a cell trains: that is {@link CellExecutor}'s job. With {@link #concurrently}
 * several cells run at once (normbench bench --jobs N).
 *
 * <p>Aggregates: {@code cells.csv} (one row per cell) is rebuilt after every cell. The large tables
 * (curves, activations, histograms) grow with every cell, so rebuilding them after every cell costs
 * I/O quadratic in the grid size (the {@code full} profile's histograms reach hundreds of MB); they
 * are rebuilt only when the time since the last rebuild is at least {@link #REBUILD_COST_FACTOR}
 * times what that rebuild took (so rebuilding stays under ~5 % of the run), and always when the
 * loop ends, also after a stop or an exception. After {@code kill -9} they may lag {@code cells/}
 * by a few cells until the run is resumed; readers can tell (the cells/ directory is newer) and
 * {@code analysis} then reads the per-cell files.
 */
public final class GridRun {
    /**
     * Rebuild the large aggregates when elapsed time since the last rebuild exceeds this many times
     * its cost.
     */
    static final int REBUILD_COST_FACTOR = 20;

    /** Runs one cell and reports its outcome; failures are results, not exceptions. */
    @FunctionalInterface
    public interface CellExecutor {
        CellOutput run(CellSpec cell, String progressLabel);
    }

    /**
     * Counts of one invocation; {@code stopped} when a stop request ended it before every cell ran.
     */
    public record Summary(
            int cells, int skipped, int ran, Map<CellStatus, Integer> statuses, boolean stopped) {
        public boolean allOk() {
            return !stopped && statuses.keySet().stream().allMatch(s -> s == CellStatus.OK);
        }

        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(cells)
                    .append(" cells: ")
                    .append(ran)
                    .append(" ran, ")
                    .append(skipped)
                    .append(" already finished");
            statuses.forEach((k, v) -> sb.append(", ").append(v).append(' ').append(k.csv()));
            if (stopped) {
                int left = cells - ran - skipped;
                sb.append("; stopped early, ")
                        .append(left)
                        .append(left == 1 ? " cell" : " cells")
                        .append(" left to run");
            }
            return sb.toString();
        }
    }

    private final RunDirectory dir;
    private final List<CellSpec> cells;
    private final CellExecutor executor;
    private final PrintStream log;
    private final boolean retryFailed;
    private final StopRequest stop;
    private long lastRebuildEnd;
    private long lastRebuildNanos;
    private int jobs = 1;
    private DeviceSlots slots;
    private PlacedExecutor placed;
    private Runnable threadSetup;

    public GridRun(
            RunDirectory dir,
            List<CellSpec> cells,
            CellExecutor executor,
            PrintStream log,
            boolean retryFailed) {
        this(dir, cells, executor, log, retryFailed, StopRequest.never());
    }

    public GridRun(
            RunDirectory dir,
            List<CellSpec> cells,
            CellExecutor executor,
            PrintStream log,
            boolean retryFailed,
            StopRequest stop) {
        this.dir = dir;
        this.cells = List.copyOf(cells);
        this.executor = executor;
        this.log = log;
        this.retryFailed = retryFailed;
        this.stop = stop;
    }

    /**
     * Runs up to {@code jobs} cells at once from now on (see {@link #runConcurrently}). Cells are
     * independent, so ids, seeds and results are those of a sequential run with the same per-cell
     * threads; only the order in which they finish (and are printed and stored) differs.
     *
     * @param placed runs a cell on the device {@code slots} gave it
     * @param threadSetup runs once on each worker thread before its first cell (e.g. its intra-op
     *     threads)
     */
    public GridRun concurrently(
            int jobs, DeviceSlots slots, PlacedExecutor placed, Runnable threadSetup) {
        this.jobs = jobs;
        this.slots = slots;
        this.placed = placed;
        this.threadSetup = threadSetup;
        return this;
    }

    /** Runs one cell on the given device; failures are results, not exceptions. */
    @FunctionalInterface
    public interface PlacedExecutor {
        CellOutput run(CellSpec cell, String progressLabel, String device);
    }

    public Summary run() throws IOException {
        if (jobs > 1) {
            return runConcurrently();
        }
        Map<CellStatus, Integer> statuses = new EnumMap<>(CellStatus.class);
        int skipped = 0;
        int ran = 0;
        boolean stopped = false;
        long work = 0;
        long doneWork = 0;
        for (CellSpec c : cells) {
            work += expectedWork(c);
        }
        long started = System.nanoTime();
        lastRebuildEnd = started;
        boolean rebuilt = false;
        try {
            for (int i = 0; i < cells.size(); i++) {
                CellSpec cell = cells.get(i);
                var previous = dir.statusOf(cell.cellId());
                if (!runsAgain(previous, retryFailed)) {
                    skipped++;
                    statuses.merge(previous.get(), 1, Integer::sum);
                    work -= expectedWork(cell);
                    continue;
                }
                if (stop.requested()) {
                    stopped = true;
                    skipped += countFinished(i + 1, statuses);
                    break;
                }
                String eta = eta(started, doneWork, work);
                String label =
                        String.format(
                                Locale.ROOT,
                                "[%d/%d%s] %s",
                                i + 1,
                                cells.size(),
                                eta,
                                cell.cellId());
                long t0 = System.nanoTime();
                CellOutput out;
                try {
                    out = executor.run(cell, label);
                } catch (StopRequest.StoppedException e) {
                    stopped = true;
                    log.println(
                            String.format(
                                    Locale.ROOT,
                                    "[%d/%d] stopped  %s  (not recorded; it reruns on resume)",
                                    i + 1,
                                    cells.size(),
                                    cell.cellId()));
                    skipped += countFinished(i + 1, statuses);
                    break;
                }
                dir.writeCell(out);
                rebuildAggregatesAfterCell();
                ran++;
                doneWork += expectedWork(cell);
                statuses.merge(out.status(), 1, Integer::sum);
                log.println(lineFor(i + 1, cells.size(), out, (System.nanoTime() - t0) / 1e9));
                log.flush();
            }
            dir.rebuildAggregates();
            rebuilt = true;
        } finally {
            if (!rebuilt) {
                // An exception is on its way out; still leave aggregates that match cells/.
                try {
                    dir.rebuildAggregates();
                } catch (IOException | RuntimeException e) {
                    log.println("warning: could not rebuild the aggregate CSVs: " + e.getMessage());
                }
            }
        }
        return new Summary(cells.size(), skipped, ran, statuses, stopped);
    }

    /**
     * The cells of {@code cells} that a run in {@code dir} would train, in grid order: those with
     * no stored result, and with {@code retryFailed} those that ended oom or error (what {@link
     * #run} does; the estimate of a resumed run times only these).
     */
    public static List<CellSpec> leftToRun(
            RunDirectory dir, List<CellSpec> cells, boolean retryFailed) throws IOException {
        List<CellSpec> left = new ArrayList<>();
        for (CellSpec cell : cells) {
            if (runsAgain(dir.statusOf(cell.cellId()), retryFailed)) {
                left.add(cell);
            }
        }
        return left;
    }

    /** Whether a cell with this stored status (none: never finished) is trained by this run. */
    private static boolean runsAgain(Optional<CellStatus> previous, boolean retryFailed) {
        return previous.isEmpty()
                || (retryFailed
                        && previous.get() != CellStatus.OK
                        && previous.get() != CellStatus.DIVERGED);
    }

    /** What a worker hands back: a cell's output, or that it was stopped or never started. */
    private record Finished(
            int index, CellOutput out, double seconds, boolean stopped, boolean notStarted) {}

    /**
     * The concurrent loop. Workers only train; this thread alone stores each result (atomically, as
     * the sequential loop does), rebuilds the aggregates and prints, in the order cells finish, so
     * concurrent finishers never write the same file. A failed or out-of-memory cell is a result
     * like any other and its neighbours go on. One line per cell start and per cell end, with the
     * grid's progress and ETA, is the grid's single progress display (no per-cell bars).
     */
    private Summary runConcurrently() throws IOException {
        Map<CellStatus, Integer> statuses = new EnumMap<>(CellStatus.class);
        int skipped = 0;
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            CellSpec cell = cells.get(i);
            var previous = dir.statusOf(cell.cellId());
            if (!runsAgain(previous, retryFailed)) {
                skipped++;
                statuses.merge(previous.get(), 1, Integer::sum);
            } else {
                todo.add(i);
            }
        }
        long work = todo.stream().mapToLong(i -> expectedWork(cells.get(i))).sum();
        long[] doneWork = {0};
        long started = System.nanoTime();
        lastRebuildEnd = started;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        jobs,
                        r -> {
                            Thread t =
                                    new Thread(
                                            () -> {
                                                threadSetup.run();
                                                r.run();
                                            },
                                            "normbench-cell-" + threadNumber.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        CompletionService<Finished> done = new ExecutorCompletionService<>(pool);
        // A throughput cell measures step time, so it runs alone: it waits for the running cells
        // to finish and holds the next ones back (fair, so in grid order) until it is done. Taken
        // before a device slot, so a cell waiting here never holds one.
        ReentrantReadWriteLock alone = new ReentrantReadWriteLock(true);
        for (int i : todo) {
            CellSpec cell = cells.get(i);
            done.submit(
                    () -> {
                        if (stop.requested()) {
                            return new Finished(i, null, 0, false, true);
                        }
                        Lock turn =
                                cell.kind() == CellKind.THROUGHPUT
                                        ? alone.writeLock()
                                        : alone.readLock();
                        turn.lockInterruptibly();
                        try {
                            if (stop.requested()) {
                                // Asked to stop while this cell waited for its turn.
                                return new Finished(i, null, 0, false, true);
                            }
                            return runPlaced(i, cell, started, doneWork, work, running);
                        } finally {
                            turn.unlock();
                        }
                    });
        }
        int ran = 0;
        boolean stopped = false;
        try {
            for (int k = 0; k < todo.size(); k++) {
                Finished f;
                try {
                    f = done.take().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for cells", e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re
                            ? re
                            : new IllegalStateException(e.getCause());
                }
                CellSpec cell = cells.get(f.index());
                if (f.notStarted() || f.stopped()) {
                    stopped = true;
                    if (f.stopped()) {
                        log.println(
                                String.format(
                                        Locale.ROOT,
                                        "[%d/%d] stopped  %s  (not recorded; it reruns on resume)",
                                        f.index() + 1,
                                        cells.size(),
                                        cell.cellId()));
                    }
                    continue;
                }
                dir.writeCell(f.out());
                rebuildAggregatesAfterCell();
                ran++;
                doneWork[0] += expectedWork(cell);
                statuses.merge(f.out().status(), 1, Integer::sum);
                synchronized (log) {
                    log.println(
                            lineFor(skipped + ran, cells.size(), f.out(), f.seconds())
                                    + eta(started, doneWork[0], work));
                    log.flush();
                }
            }
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dir.rebuildAggregates();
        }
        return new Summary(cells.size(), skipped, ran, statuses, stopped);
    }

    /** Runs one cell on a device slot of its own, announcing its start; the worker's part. */
    private Finished runPlaced(
            int i, CellSpec cell, long started, long[] doneWork, long work, AtomicInteger running)
            throws InterruptedException {
        String device = slots.acquire(cell.device());
        try {
            String label =
                    String.format(
                            Locale.ROOT,
                            "[%d/%d] %s on %s",
                            i + 1,
                            cells.size(),
                            cell.cellId(),
                            device);
            int now = running.incrementAndGet();
            synchronized (log) {
                log.println(
                        String.format(
                                Locale.ROOT,
                                "start    %s  (%s%s)",
                                label,
                                cell.kind() == CellKind.THROUGHPUT
                                        ? "alone: it times steps"
                                        : now + " running",
                                eta(started, doneWork[0], work)));
                log.flush();
            }
            long t0 = System.nanoTime();
            try {
                return new Finished(
                        i,
                        placed.run(cell, label, device),
                        (System.nanoTime() - t0) / 1e9,
                        false,
                        false);
            } catch (StopRequest.StoppedException e) {
                return new Finished(i, null, 0, true, false);
            } finally {
                running.decrementAndGet();
            }
        } finally {
            slots.release(device);
        }
    }

    /**
     * After a stop: the cells from {@code from} on that an earlier invocation finished, so the
     * summary counts them.
     */
    private int countFinished(int from, Map<CellStatus, Integer> statuses) throws IOException {
        int n = 0;
        for (CellSpec c : cells.subList(from, cells.size())) {
            var status = dir.statusOf(c.cellId());
            if (status.isPresent()) {
                n++;
                statuses.merge(status.get(), 1, Integer::sum);
            }
        }
        return n;
    }

    /** cells.csv always; all four tables when the large ones are due (see the class comment). */
    private void rebuildAggregatesAfterCell() throws IOException {
        long now = System.nanoTime();
        if (now - lastRebuildEnd < REBUILD_COST_FACTOR * lastRebuildNanos) {
            dir.rebuildAggregates(List.of(ResultsSchema.CELLS));
            return;
        }
        dir.rebuildAggregates();
        lastRebuildEnd = System.nanoTime();
        lastRebuildNanos = lastRebuildEnd - now;
    }

    /** Steps a cell is expected to take, as a rough weight for the overall ETA. */
    static long expectedWork(CellSpec c) {
        double perStep = Math.max(0.05, c.width() * c.width()) * Math.max(1, c.batchSize());
        long steps =
                c.kind() == CellKind.THROUGHPUT
                        ? c.throughput().warmupSteps() + c.throughput().timedSteps()
                        : c.budget().unit() == Budget.Unit.STEPS
                                ? (long) c.budget().amount()
                                : (long)
                                        Math.ceil(
                                                c.budget().amount()
                                                        * Math.max(
                                                                1,
                                                                c.data().trainLimit() > 0
                                                                        ? c.data().trainLimit()
                                                                        : 50_000)
                                                        / c.batchSize());
        return Math.max(1, (long) (steps * perStep));
    }

    private static String eta(long startedNanos, long doneWork, long totalWork) {
        if (doneWork == 0 || totalWork <= doneWork) {
            return "";
        }
        double elapsed = (System.nanoTime() - startedNanos) / 1e9;
        long seconds = (long) (elapsed / doneWork * (totalWork - doneWork));
        return ", grid ETA " + human(Duration.ofSeconds(seconds));
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private static String lineFor(int index, int total, CellOutput out, double seconds) {
        CellOutcome r = out.outcome();
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "[%d/%d] %-8s %s  %.1fs",
                        index,
                        total,
                        out.status().csv(),
                        out.cellId(),
                        seconds));
        if (r.testAccuracy() != null) {
            sb.append(String.format(Locale.ROOT, "  test_acc=%.4f", r.testAccuracy()));
        }
        if (r.finalTrainLoss() != null) {
            sb.append(String.format(Locale.ROOT, "  train_loss=%.4f", r.finalTrainLoss()));
        }
        if (r.imagesPerSecond() != null) {
            sb.append(String.format(Locale.ROOT, "  %.0f img/s", r.imagesPerSecond()));
        }
        if (r.stepMsMedian() != null) {
            sb.append(String.format(Locale.ROOT, "  step %.1f ms", r.stepMsMedian()));
        }
        if (Boolean.TRUE.equals(r.contended())) {
            sb.append(String.format(Locale.ROOT, "  (contended: cpu share %.2f)", r.cpuShare()));
        }
        if (out.status() != CellStatus.OK && r.error() != null) {
            sb.append("  (").append(r.error()).append(')');
        }
        return sb.toString();
    }
}
