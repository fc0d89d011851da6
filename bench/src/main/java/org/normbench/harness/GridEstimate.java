package org.normbench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.normbench.engine.CpuUsage;
import org.normbench.grid.Budget;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;

/**
 * The expected wall time of a grid before it runs ({@code normbench bench --estimate}, also printed
 * by {@code --dry-run}): times training steps of each distinct (norm, batch, width, device) on the
 * first cell's code path ({@link ProbeTimer}) with the per-cell threads of the chosen {@code
 * --jobs}, multiplies by the steps each cell asks for (plus its evaluation passes and set-up), and
 * places the cells on the jobs in grid order, each on the first job that frees up, as the run does
 * (a throughput cell alone, after the cells before it). With {@code --jobs} > 1 it also times how
 * much slower a step gets with that many cells at once on one device ({@link Contention}: the
 * grid's heaviest train probe, that many copies side by side) and counts every train cell that much
 * longer in the wall time. What it leaves out: the activation and options other than the norm's
 * (the first cell's stand for the rest), contention between cells of different probes, and dataset
 * loading; a dataset without {@code train_limit} is taken as {@value #ASSUMED_TRAIN_IMAGES}
 * training images. The arithmetic ({@link #plan}) is separate from the timing, so it is testable
 * with given step times.
 */
public final class GridEstimate {
    /** Training images assumed where a cell has no train_limit (CIFAR-10's training set). */
    static final int ASSUMED_TRAIN_IMAGES = 50_000;

    /** An evaluation batch (forward only) costs about this fraction of a training step. */
    static final double FORWARD_FRACTION = 0.35;

    /** What the estimate times once: the step cost does not depend on the other cell fields. */
    public record Probe(String norm, int batchSize, double width, String device) {
        static Probe of(CellSpec c) {
            return new Probe(c.norm(), c.batchSize(), c.width(), c.device());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s bs%d w%s %s", norm, batchSize, width, device);
        }
    }

    /**
     * A probe's measurement: milliseconds per training step (hook statistics included at the cell's
     * rate), the per-cell set-up (model build and initialisation), and the share of the CPU the
     * process got while it ran ({@link CpuUsage}; null when unknown); {@code failure} says why a
     * probe could not be timed (e.g. its GPU is not visible here).
     */
    public record Timing(double stepMs, double setupSeconds, Double cpuShare, String failure) {
        public Timing(double stepMs, double setupSeconds) {
            this(stepMs, setupSeconds, null, null);
        }

        public static Timing failed(String why) {
            return new Timing(Double.NaN, Double.NaN, null, why);
        }

        boolean ok() {
            return failure == null;
        }

        boolean contended() {
            return cpuShare != null && cpuShare < CpuUsage.CONTENDED_BELOW;
        }
    }

    /** One section's (train / throughput) share. */
    public record Section(
            String name, int cells, long steps, double cellSeconds, double wallSecondsAlone) {}

    /**
     * How much slower a step gets when {@code together} cells run at once on one device, measured
     * on {@code probe} (the grid's heaviest train probe: most of the side-by-side time is its
     * cells'): its mean step alone (timed just before and just after the copies) and the mean step
     * of {@code together} copies of it side by side. On CPU the copies share cores and memory
     * bandwidth, on a GPU the device and whatever the host threads share. {@code failure} says why
     * it could not be measured (then the wall assumes no slowdown).
     */
    public record Contention(
            Probe probe, int together, double aloneMs, double togetherMs, String failure) {
        public static Contention failed(Probe probe, int together, String why) {
            return new Contention(probe, together, Double.NaN, Double.NaN, why);
        }

        /** The factor the wall counts every cell with: at least 1 (noise can read below). */
        public double factor() {
            return failure != null ? 1 : Math.max(1, togetherMs / aloneMs);
        }
    }

    /**
     * @param contention null with one job, or where not measured
     */
    public record Result(
            int jobs,
            List<Section> sections,
            double cellSeconds,
            double wallSeconds,
            Map<Probe, Timing> timings,
            Contention contention) {}

    private GridEstimate() {}

    /** The distinct probes of {@code cells}, in first-use order. */
    public static List<Probe> probes(List<CellSpec> cells) {
        return cells.stream().map(Probe::of).distinct().toList();
    }

    /** Training steps (or timed + warm-up steps) a cell runs. */
    static long steps(CellSpec c) {
        if (c.kind() == CellKind.THROUGHPUT) {
            return (long) c.throughput().warmupSteps() + c.throughput().timedSteps();
        }
        if (c.budget().unit() == Budget.Unit.STEPS) {
            return (long) c.budget().amount();
        }
        return (long) Math.floor(c.budget().amount() * (trainImages(c) / c.batchSize()));
    }

    private static long trainImages(CellSpec c) {
        int all = c.data().trainLimit() > 0 ? c.data().trainLimit() : ASSUMED_TRAIN_IMAGES;
        return Math.round(all * (1 - c.data().validationFraction()));
    }

    /** Seconds one cell takes alone, from its probe's timing. */
    static double cellSeconds(CellSpec c, Timing t) {
        double seconds = t.setupSeconds() + steps(c) * t.stepMs() / 1000;
        if (c.kind() == CellKind.TRAIN) {
            int all = c.data().trainLimit() > 0 ? c.data().trainLimit() : ASSUMED_TRAIN_IMAGES;
            long evalImages = c.data().testLimit() + (all - trainImages(c));
            seconds +=
                    Math.ceil((double) evalImages / c.batchSize())
                            * t.stepMs()
                            / 1000
                            * FORWARD_FRACTION;
        }
        return seconds;
    }

    /**
     * The estimate from given timings: per section and in total, the summed cell time and the wall
     * time of {@code jobs} workers taking the cells in order as they free up.
     */
    public static Result plan(List<CellSpec> allCells, int jobs, Map<Probe, Timing> timings) {
        return plan(allCells, jobs, timings, null);
    }

    /**
     * As {@link #plan(List, int, Map)}, with every train cell counted {@code contention}'s factor
     * as long in the walls (the 'cell time' stays the cells one at a time; throughput cells run
     * alone).
     */
    public static Result plan(
            List<CellSpec> allCells, int jobs, Map<Probe, Timing> timings, Contention contention) {
        double slowdown = contention == null ? 1 : contention.factor();
        List<CellSpec> cells =
                allCells.stream().filter(c -> timings.get(Probe.of(c)).ok()).toList();
        List<Section> sections = new ArrayList<>();
        for (CellKind kind : CellKind.values()) {
            List<CellSpec> part = cells.stream().filter(c -> c.kind() == kind).toList();
            if (!part.isEmpty()) {
                double sum =
                        part.stream()
                                .mapToDouble(c -> cellSeconds(c, timings.get(Probe.of(c))))
                                .sum();
                sections.add(
                        new Section(
                                kind.name().toLowerCase(Locale.ROOT),
                                part.size(),
                                part.stream().mapToLong(GridEstimate::steps).sum(),
                                sum,
                                makespan(part, jobs, timings, slowdown)));
            }
        }
        double total =
                cells.stream().mapToDouble(c -> cellSeconds(c, timings.get(Probe.of(c)))).sum();
        return new Result(
                jobs,
                sections,
                total,
                makespan(cells, jobs, timings, slowdown),
                Collections.unmodifiableMap(new LinkedHashMap<>(timings)),
                contention);
    }

    private static double makespan(
            List<CellSpec> cells, int jobs, Map<Probe, Timing> timings, double slowdown) {
        PriorityQueue<Double> free = new PriorityQueue<>();
        for (int i = 0; i < jobs; i++) {
            free.add(0.0);
        }
        double end = 0;
        for (CellSpec c : cells) {
            if (c.kind() == CellKind.THROUGHPUT) {
                // Alone, as the run does: after every running cell, before the next.
                double finish = end + cellSeconds(c, timings.get(Probe.of(c)));
                end = finish;
                free.clear();
                for (int i = 0; i < jobs; i++) {
                    free.add(finish);
                }
                continue;
            }
            double finish = free.poll() + cellSeconds(c, timings.get(Probe.of(c))) * slowdown;
            end = Math.max(end, finish);
            free.add(finish);
        }
        return end;
    }

    /**
     * Times each distinct probe once with {@code timer}, on the first cell that needs it, and
     * plans; with {@code together} > 1 (the cells one device runs at once), also times {@code
     * together} copies of the heaviest probe side by side with {@code timerTogether}.
     */
    public static Result estimate(
            List<CellSpec> cells,
            int jobs,
            Function<CellSpec, Timing> timer,
            int together,
            BiFunction<CellSpec, Integer, List<Timing>> timerTogether) {
        Map<Probe, Timing> timings = new LinkedHashMap<>();
        for (CellSpec c : cells) {
            timings.computeIfAbsent(Probe.of(c), p -> timer.apply(c));
        }
        Contention contention = null;
        CellSpec heaviest = heaviest(cells, timings);
        if (jobs > 1 && together > 1 && heaviest != null) {
            // Alone again just before and after the copies: a shared machine's speed drifts by
            // tens of per cent over a minute, more than the slowdown measured on a quiet one.
            Timing before = timer.apply(heaviest);
            List<Timing> copies = timerTogether.apply(heaviest, together);
            Timing after = timer.apply(heaviest);
            contention = contention(heaviest, List.of(before, after), together, copies);
        }
        return plan(cells, jobs, timings, contention);
    }

    /**
     * The first cell of the train probe whose cells take the most time in all; null if none timed.
     * Train cells only: throughput cells run alone, so no contention applies to them.
     */
    static CellSpec heaviest(List<CellSpec> cells, Map<Probe, Timing> timings) {
        Map<Probe, Double> load = new LinkedHashMap<>();
        Map<Probe, CellSpec> first = new LinkedHashMap<>();
        for (CellSpec c : cells) {
            Timing t = timings.get(Probe.of(c));
            if (c.kind() == CellKind.TRAIN && t != null && t.ok()) {
                load.merge(Probe.of(c), cellSeconds(c, t), Double::sum);
                first.putIfAbsent(Probe.of(c), c);
            }
        }
        return load.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(e -> first.get(e.getKey()))
                .orElse(null);
    }

    /**
     * The slowdown: the mean step of {@code together} copies side by side against the mean of the
     * probe's timings alone (taken around them).
     */
    static Contention contention(
            CellSpec cell, List<Timing> alone, int together, List<Timing> copies) {
        Probe p = Probe.of(cell);
        List<Timing> failed =
                Stream.concat(alone.stream(), copies.stream()).filter(t -> !t.ok()).toList();
        if (!failed.isEmpty() || copies.isEmpty() || alone.isEmpty()) {
            return Contention.failed(
                    p, together, failed.isEmpty() ? "no copy ran" : failed.get(0).failure());
        }
        return new Contention(p, together, meanStep(alone), meanStep(copies), null);
    }

    private static double meanStep(List<Timing> timings) {
        return timings.stream().mapToDouble(Timing::stepMs).average().orElseThrow();
    }

    /** The printed table. */
    public static String format(Result r, String planDescription) {
        StringBuilder sb = new StringBuilder();
        sb.append("estimate (").append(planDescription).append("):\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  %-11s %6s %12s %12s %12s%n",
                        "section",
                        "cells",
                        "steps",
                        "cell time",
                        "wall"));
        for (Section s : r.sections()) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  %-11s %6d %12d %12s %12s%n",
                            s.name(),
                            s.cells(),
                            s.steps(),
                            GridRun.human(seconds(s.cellSeconds())),
                            GridRun.human(seconds(s.wallSecondsAlone()))));
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  %-11s %6d %12s %12s %12s%n",
                        "total",
                        r.sections().stream().mapToInt(Section::cells).sum(),
                        "",
                        GridRun.human(seconds(r.cellSeconds())),
                        GridRun.human(seconds(r.wallSeconds()))));
        sb.append("  step times measured (ms per step; set-up s; cpu share):");
        r.timings()
                .forEach(
                        (p, t) ->
                                sb.append(
                                        t.ok()
                                                ? String.format(
                                                        Locale.ROOT,
                                                        "%n    %-28s %9.1f ms  %5.1f s  %s",
                                                        p,
                                                        t.stepMs(),
                                                        t.setupSeconds(),
                                                        t.cpuShare() == null
                                                                ? "-"
                                                                : String.format(
                                                                        Locale.ROOT,
                                                                        "%.2f",
                                                                        t.cpuShare()))
                                                : String.format(
                                                        Locale.ROOT,
                                                        "%n    %-28s not timed, its cells are left out: %s",
                                                        p,
                                                        t.failure())));
        Contention c = r.contention();
        if (c != null) {
            sb.append(
                    c.failure() != null
                            ? String.format(
                                    Locale.ROOT,
                                    "%n  contention: %d x %s side by side could not be timed (%s); the wall"
                                            + " assumes no slowdown",
                                    c.together(),
                                    c.probe(),
                                    c.failure())
                            : String.format(
                                    Locale.ROOT,
                                    "%n  contention: %d x %s side by side: %.1f ms per step against %.1f ms"
                                            + " alone (%.2fx); the walls count every train cell %.2fx as long",
                                    c.together(),
                                    c.probe(),
                                    c.togetherMs(),
                                    c.aloneMs(),
                                    c.togetherMs() / c.aloneMs(),
                                    c.factor()));
        }
        if (r.timings().values().stream().anyMatch(Timing::contended)) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%n  (some probes got less than %.0f %% of the CPU they wanted: the machine is busy,"
                                    + " and the estimate holds only while the load stays the same)",
                            CpuUsage.CONTENDED_BELOW * 100));
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%n  (section walls are each section alone; 'wall' of total is the whole grid with %d job%s%s)",
                        r.jobs(),
                        r.jobs() == 1 ? "" : "s",
                        r.jobs() == 1
                                ? ""
                                : "; 'cell time' is the cells one after another with the same"
                                        + " per-cell threads, about --jobs 1"));
        return sb.toString();
    }

    private static Duration seconds(double s) {
        return Duration.ofSeconds(Math.round(s));
    }
}
