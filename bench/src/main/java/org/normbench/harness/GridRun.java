package org.normbench.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.normbench.grid.CellSpec;
import org.normbench.results.CellOutput;
import org.normbench.results.CellStatus;
import org.normbench.results.RunDirectory;

/**
 * The grid loop: for each cell not finished yet, run it, store it atomically, rebuild the
 * aggregates, print one line. A failing cell is recorded with its status and the loop goes on;
 * finished cells (from an earlier, perhaps killed, invocation) are skipped. Not the place where a
 * cell trains: that is {@link CellExecutor}'s job.
 */
public final class GridRun {

    /** Runs one cell and reports its outcome; failures are results, not exceptions. */
    @FunctionalInterface
    public interface CellExecutor {
        CellOutput run(CellSpec cell, String progressLabel);
    }

    /** Counts of one invocation. */
    public record Summary(int cells, int skipped, int ran, Map<CellStatus, Integer> statuses) {
        public boolean allOk() {
            return statuses.keySet().stream().allMatch(s -> s == CellStatus.OK);
        }

        public String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append(cells).append(" cells: ").append(ran).append(" ran, ").append(skipped).append(" already finished");
            statuses.forEach((k, v) -> sb.append(", ").append(v).append(' ').append(k.csv()));
            return sb.toString();
        }
    }

    private final RunDirectory dir;
    private final List<CellSpec> cells;
    private final CellExecutor executor;
    private final PrintStream log;
    private final boolean retryFailed;

    public GridRun(RunDirectory dir, List<CellSpec> cells, CellExecutor executor, PrintStream log, boolean retryFailed) {
        this.dir = dir;
        this.cells = List.copyOf(cells);
        this.executor = executor;
        this.log = log;
        this.retryFailed = retryFailed;
    }

    public Summary run() throws IOException {
        Map<CellStatus, Integer> statuses = new EnumMap<>(CellStatus.class);
        int skipped = 0;
        int ran = 0;
        long work = 0;
        long doneWork = 0;
        for (CellSpec c : cells) {
            work += expectedWork(c);
        }
        long started = System.nanoTime();
        for (int i = 0; i < cells.size(); i++) {
            CellSpec cell = cells.get(i);
            var previous = dir.statusOf(cell.cellId());
            boolean redo = previous.isPresent() && retryFailed && previous.get() != CellStatus.OK && previous.get() != CellStatus.DIVERGED;
            if (previous.isPresent() && !redo) {
                skipped++;
                statuses.merge(previous.get(), 1, Integer::sum);
                work -= expectedWork(cell);
                continue;
            }
            String eta = eta(started, doneWork, work);
            String label = String.format(Locale.ROOT, "[%d/%d%s] %s", i + 1, cells.size(), eta, cell.cellId());
            long t0 = System.nanoTime();
            CellOutput out = executor.run(cell, label);
            dir.writeCell(out);
            dir.rebuildAggregates();
            ran++;
            doneWork += expectedWork(cell);
            statuses.merge(out.status(), 1, Integer::sum);
            log.println(lineFor(i + 1, cells.size(), out, (System.nanoTime() - t0) / 1e9));
            log.flush();
        }
        if (ran == 0) {
            dir.rebuildAggregates();
        }
        return new Summary(cells.size(), skipped, ran, statuses);
    }

    /** Steps a cell is expected to take, as a rough weight for the overall ETA. */
    static long expectedWork(CellSpec c) {
        double perStep = Math.max(0.05, c.width() * c.width()) * Math.max(1, c.batchSize());
        long steps = c.kind() == org.normbench.grid.CellKind.THROUGHPUT
                ? c.throughput().warmupSteps() + c.throughput().timedSteps()
                : c.budget().unit() == org.normbench.grid.Budget.Unit.STEPS ? (long) c.budget().amount()
                : (long) Math.ceil(c.budget().amount() * Math.max(1, c.data().trainLimit() > 0 ? c.data().trainLimit() : 50_000) / c.batchSize());
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
        Map<String, Object> r = out.row();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "[%d/%d] %-8s %s  %.1fs", index, total, out.status().csv(), out.cellId(), seconds));
        if (r.get("test_accuracy") != null) {
            sb.append(String.format(Locale.ROOT, "  test_acc=%.4f", ((Number) r.get("test_accuracy")).doubleValue()));
        }
        if (r.get("final_train_loss") != null) {
            sb.append(String.format(Locale.ROOT, "  train_loss=%.4f", ((Number) r.get("final_train_loss")).doubleValue()));
        }
        if (r.get("images_per_second") != null) {
            sb.append(String.format(Locale.ROOT, "  %.0f img/s", ((Number) r.get("images_per_second")).doubleValue()));
        }
        if (r.get("step_ms_median") != null) {
            sb.append(String.format(Locale.ROOT, "  step %.1f ms", ((Number) r.get("step_ms_median")).doubleValue()));
        }
        if (out.status() != CellStatus.OK && r.get("error") != null) {
            sb.append("  (").append(r.get("error")).append(')');
        }
        return sb.toString();
    }
}
