package org.normbench.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.normbench.datasets.DatasetCache;
import org.normbench.datasets.DatasetNotAvailableException;
import org.normbench.datasets.DatasetRegistry;
import org.normbench.engine.BackwardThread;
import org.normbench.engine.CudaStreams;
import org.normbench.engine.DeviceSpec;
import org.normbench.engine.HostFacts;
import org.normbench.engine.ThreadSettings;
import org.normbench.engine.TorchRuntime;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;
import org.normbench.grid.Grid;
import org.normbench.grid.GridException;
import org.normbench.grid.GridParser;
import org.normbench.grid.GridProblem;
import org.normbench.grid.Profiles;
import org.normbench.grid.Shard;
import org.normbench.harness.CellRunner;
import org.normbench.harness.DeviceSlots;
import org.normbench.harness.GridEstimate;
import org.normbench.harness.GridRun;
import org.normbench.harness.JobPlan;
import org.normbench.harness.ProbeTimer;
import org.normbench.harness.RegistryVocabulary;
import org.normbench.harness.RunConditions;
import org.normbench.harness.StopRequest;
import org.normbench.model.norms.Norm;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;
import org.normbench.model.norms.RunningBatchNormBlock;
import org.normbench.model.norms.RunningBatchNormFuseCheck;
import org.normbench.results.Provenance;
import org.normbench.results.ResultsSchema;
import org.normbench.results.RunDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code normbench bench}: the study. Arguments, then the grid (validated before anything trains),
 * then the run loop - the three steps of DJL's examples, visible here in order.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run a grid of ResNet18 cells (norm x activation x batch size x device x seed) and store the results under <runs-dir>/<run-id>/ (docs/results-format.md).",
            "Rerunning with the same --run resumes: finished cells are skipped.",
            "The grid is validated first; nothing trains if it has problems.",
            "",
            "Examples:",
            "  normbench bench                          # PROFILE=auto",
            "  normbench bench --grid my.yaml --run my-study",
            "  normbench bench --grid bench/grids/full.yaml --run full --shard 3/8 --quiet",
            "  normbench bench --grid my.yaml --estimate --jobs 2  # wall time only",
            "",
            "SIGTERM or Ctrl-C stops at the next training step: finished cells are kept, the cell in progress reruns on resume.",
            "",
            "Exit codes:",
            "  0        every cell ok",
            "  1        some cell diverged, ran out of memory or failed",
            "  2        bad input; nothing was trained",
            "  3        results not writable (disk full, permissions); finished cells kept",
            "  130/143  stopped by SIGINT/SIGTERM; the resume command is printed at start",
            "           and on stop"
        },
        footer = {
            "",
            "Environment:",
            "  NORMBENCH_THREADS, NORMBENCH_INTEROP_THREADS  libtorch's intra-/inter-op threads (docs/performance.md)",
            "  NORMBENCH_DATA                 dataset cache folder (default ~/.cache/normbench; docs/datasets.md)",
            "  NORMBENCH_HEARTBEAT_SECONDS    as --heartbeat",
            "  NORMBENCH_STOP_GRACE_SECONDS   how long a stop signal waits for the current step",
            "  NORMBENCH_RBN_FUSE             gpu (default), on or off: rbn's step under libtorch's graph executor, checked against op by op first (docs/gpu.md)",
            "  NORMBENCH_BACKWARD_THREAD      cell (default) or autograd: a GPU cell's backward on its own thread or on libtorch's one per GPU (docs/gpu.md)",
            "  NORMBENCH_MALLOC, NORMBENCH_JAVA_OPTS  the launcher's allocator settings and JVM options (docs/performance.md)",
            "  NORMBENCH_CACHE, NORMBENCH_LIBTORCH  gpu-setup's JNI cache and the libtorch it selects (docs/gpu.md)"
        })
public final class BenchCommand implements Callable<Integer> {
    private static final DateTimeFormatter RUN_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** Set by {@code make bench} so the resume hint can be given as a make command. */
    static final String VIA_MAKE_ENV = "NORMBENCH_VIA_MAKE";

    /**
     * Set by the launcher (bench/bin/normbench, or bin/normbench in the make dist bundle) to the
     * path it was started by, so the resume hint names the launcher the user has.
     */
    static final String LAUNCHER_ENV = "NORMBENCH_LAUNCHER";

    @Option(
            names = "--profile",
            defaultValue = "auto",
            paramLabel = "NAME",
            description =
                    "auto (full when a CUDA GPU is visible, else cpu-smoke), cpu-smoke, cpu-study (the findings at CPU size, 3 seeds, ~35 min per seed on 2 cores), lesson10 (fast.ai notebook 07's experiment, ~12 min on 2 cores) or full. Ignored with --grid.")
    String profile;

    @Option(
            names = "--grid",
            paramLabel = "FILE",
            description = "Grid file (YAML, docs/grid-format.md) instead of a profile.")
    Path gridFile;

    @Option(
            names = "--run",
            paramLabel = "ID",
            description = "Run id (default: <grid name>-<UTC time>). Reuse it to resume.")
    String runId;

    /** Where runs go unless {@code --runs-dir} says otherwise (and where make's targets look). */
    static final String DEFAULT_RUNS_DIR = "reports/runs";

    @Option(
            names = "--runs-dir",
            defaultValue = DEFAULT_RUNS_DIR,
            paramLabel = "DIR",
            description = "Where runs are stored (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(
            names = "--shard",
            paramLabel = "K/N",
            description = "Run only shard K of N (every N-th cell); the run id gets -shard-K-of-N.")
    String shard;

    @Option(
            names = "--retry-failed",
            description =
                    "Rerun finished cells whose status is oom or error (diverged cells stay).")
    boolean retryFailed;

    @Option(
            names = "--dry-run",
            description = "Validate the grid, list its cells and exit without training.")
    boolean dryRun;

    @Option(
            names = "--jobs",
            paramLabel = "N|auto",
            description =
                    "Cells run at once (default: the grid's 'jobs', else 1). On CPU they split the cores (intra-op threads = cores / N); auto: one per core on CPU, several per GPU. Results equal a sequential run with the same --threads.")
    String jobs;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "Intra-op threads per cell (default: cores / jobs; with one job, libtorch's default).")
    Integer threads;

    @Option(
            names = "--estimate",
            description =
                    "Print the grid's expected wall time for the chosen --jobs (times a few steps of each distinct norm, batch, width, device) and exit. With the --run id of a started run: only the cells it has left.")
    boolean estimate;

    @Option(
            names = "--estimate-first",
            description =
                    "Print that estimate for the cells this run has left, then train them in the same process (what make bench does).")
    boolean estimateFirst;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress bars; one line per finished cell (for batch jobs).")
    boolean quiet;

    @Option(
            names = "--heartbeat",
            paramLabel = "SECONDS",
            description =
                    "Without progress bars (log files, pipes, --quiet): a progress line every SECONDS during a cell; 0 turns it off. Default: $NORMBENCH_HEARTBEAT_SECONDS, else 30.")
    Integer heartbeatSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        int beat;
        try {
            beat = heartbeatSeconds();
            // Read by every rbn layer and every cell thread: a bad value stops here, before any
            // training.
            RunningBatchNormBlock.fuseSetting();
            BackwardThread.setting();
        } catch (IllegalArgumentException e) {
            err.println("normbench bench: " + e.getMessage());
            return 2;
        }
        Shard theShard;
        try {
            theShard = shard == null ? Shard.ALL : Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            err.println("normbench bench: --shard: " + e.getMessage());
            return 2;
        }
        String profileName;
        String reason;
        Path file;
        if (gridFile != null) {
            profileName = "custom";
            file = gridFile;
            reason = "Grid file " + gridFile + " as given.";
        } else {
            Profiles.Choice choice;
            try {
                int gpus = Profiles.AUTO.equals(profile) ? TorchRuntime.gpuCount() : 0;
                choice = Profiles.resolve(profile, gpus);
            } catch (IllegalArgumentException e) {
                err.println("normbench bench: --profile: " + e.getMessage());
                return 2;
            }
            profileName = choice.profile();
            file = choice.gridFile();
            reason = choice.reason();
        }
        out.println(reason);

        Grid grid;
        try {
            grid = GridParser.parse(file, RegistryVocabulary::current);
        } catch (GridException e) {
            if (e.problems().size() == 1) {
                err.println("normbench bench: nothing was run: " + e.problems().get(0));
                return 2;
            }
            err.println(
                    "normbench bench: the grid has "
                            + e.problems().size()
                            + " problem(s); nothing was run:");
            // A garbage file yields a problem per line; the first screenful says what is wrong.
            int shown = Math.min(e.problems().size(), 50);
            for (GridProblem p : e.problems().subList(0, shown)) {
                err.println("  " + p);
            }
            if (shown < e.problems().size()) {
                err.println(
                        "  ... and "
                                + (e.problems().size() - shown)
                                + " more (is "
                                + file
                                + " a grid file?)");
            }
            return 2;
        } catch (NoSuchFileException e) {
            err.println("normbench bench: grid file not found: " + file);
            return 2;
        } catch (IOException e) {
            err.println("normbench bench: cannot read grid file " + file + ": " + e.getMessage());
            return 2;
        }
        List<CellSpec> cells = theShard.select(grid.cells());
        JobPlan plan;
        try {
            plan = jobPlan(grid);
        } catch (IllegalArgumentException e) {
            err.println("normbench bench: --jobs/--threads: " + e.getMessage());
            return 2;
        }
        String idleGpus =
                DeviceSlots.idleGpusWarning(
                        cells.stream().map(CellSpec::device).toList(),
                        plan.jobs() > 1 ? TorchRuntime.gpuCount() : 0,
                        plan.jobs());
        if (idleGpus != null) {
            err.println(idleGpus);
        }
        // libtorch's intra-op thread count belongs to the calling thread (OpenMP), so every thread
        // that runs cells sets it, the sequential one too: a count another command left on the
        // main thread (an in-process caller, a test) must not leak into this run.
        Runnable threadSetup =
                () -> {
                    TorchRuntime.engine(); // loads the library; applies NORMBENCH_THREADS first
                    JniUtils.setNumThreads(
                            threads != null || plan.jobs() > 1
                                    ? plan.threadsPerJob()
                                    : Integer.getInteger(
                                            "ai.djl.pytorch.num_threads", plan.threadsPerJob()));
                };
        if (dryRun) {
            out.printf(
                    "%s: %d cells (%d in shard %s)%n",
                    grid.name(), grid.cells().size(), cells.size(), theShard);
            for (CellSpec c : cells) {
                out.println("  " + c.cellId());
            }
        }
        String gridHash = sha256(grid.yaml());
        String id = runId != null ? runId : grid.name() + "-" + RUN_STAMP.format(Instant.now());
        if (theShard.count() > 1 && !id.endsWith(shardSuffix(theShard))) {
            id = id + shardSuffix(theShard);
        }
        try {
            RunDirectory.requireSafeName(id);
        } catch (IllegalArgumentException e) {
            err.println("normbench bench: --run: " + e.getMessage());
            return 2;
        }
        // A run started before under this id decides whether it can go on, and what is left of it;
        // nothing is created until training is about to start.
        Path root = runsDir.resolve(id);
        RunDirectory started =
                Files.isDirectory(root.resolve("cells")) ? RunDirectory.existing(root) : null;
        if (started != null) {
            String refusal = resumeRefusal(started, id, gridHash);
            if (refusal != null) {
                err.println("normbench bench: " + refusal);
                return 2;
            }
        }
        List<CellSpec> left =
                started == null ? cells : GridRun.leftToRun(started, cells, retryFailed);
        if (dryRun || estimate) {
            if (started != null) {
                out.println(leftLine(id, left.size(), cells.size()));
            }
            out.println(
                    left.isEmpty()
                            ? "estimate: nothing left to run"
                            : estimateOf(left, plan, threadSetup));
            return 0;
        }
        String missing = missingDataset(cells);
        if (missing != null) {
            err.println("normbench bench: nothing was run: " + missing);
            return 2;
        }

        Engine engine = TorchRuntime.engine();
        Map<String, String> rbnChecks = checkRbnOptimizedSteps(left, plan.jobs(), engine, out, err);
        if (estimateFirst) {
            // Timed in this process before the run directory is written: the probes' JIT warm-up
            // serves the cells, and a stop here leaves nothing behind.
            if (started != null) {
                out.println(leftLine(id, left.size(), cells.size()));
            }
            if (!left.isEmpty()) {
                out.println(estimateOf(left, plan, threadSetup));
            }
        }
        RunDirectory dir = RunDirectory.open(runsDir, id);
        var existing = dir.readManifest();
        RunConditions conditions = new RunConditions();
        threadSetup.run(); // before the manifest records the thread counts
        Map<String, Object> manifest =
                manifest(
                        existing.orElse(null),
                        id,
                        profileName,
                        reason,
                        file,
                        grid,
                        gridHash,
                        theShard,
                        engine);
        if (!rbnChecks.isEmpty()) {
            manifest.put("rbn_fuse_check", rbnChecks);
        }
        List<Object> conditionList = new ArrayList<>();
        if (existing.isPresent() && existing.get().get("conditions") instanceof List<?> l) {
            conditionList.addAll(l);
        }
        conditionList.add(conditions.started());
        manifest.put("conditions", conditionList);
        manifest.put(
                "jobs",
                Map.of(
                        "jobs",
                        plan.jobs(),
                        "intra_op_threads_per_job",
                        plan.threadsPerJob(),
                        "plan",
                        plan.reason()));
        dir.writeFileAtomically(
                dir.root().resolve("grid.yaml"), grid.yaml().getBytes(StandardCharsets.UTF_8));
        dir.writeManifest(manifest);
        out.printf(
                "run %s -> %s (%d cells%s)%n",
                id,
                dir.root(),
                cells.size(),
                theShard.count() > 1 ? ", shard " + theShard + " of " + grid.cells().size() : "");
        String resume = resumeCommand(id, profileName);
        out.println("to resume if stopped: " + resume);

        GridRun.Summary summary;
        // Progress bars only on a terminal: in logs (Slurm, CI, pipes) they are noise.
        boolean bars = !quiet && System.console() != null;
        // SIGTERM / Ctrl-C: end at a step boundary and write what is final before the JVM exits.
        StopRequest stop = StopRequest.onShutdown(err, stopGrace(), resume);
        try {
            out.println("jobs: " + plan.reason());
            // One progress bar at a time: with --jobs N > 1 cells report through the heartbeat and
            // the per-cell lines.
            boolean cellBars = bars && plan.jobs() == 1;
            try (CellRunner runner = new CellRunner(engine, cellBars ? err : null, stop)) {
                if (!cellBars && beat > 0) {
                    runner.heartbeat(out, Duration.ofSeconds(beat));
                }
                GridRun gridRun = new GridRun(dir, cells, runner::run, out, retryFailed, stop);
                if (plan.jobs() > 1) {
                    List<String> pool = DeviceSlots.poolFor(TorchRuntime.gpuCount());
                    gridRun.concurrently(
                            plan.jobs(),
                            new DeviceSlots(pool, (plan.jobs() + pool.size() - 1) / pool.size()),
                            runner::run,
                            threadSetup);
                } else {
                    threadSetup.run();
                }
                summary = gridRun.run();
            } catch (IOException e) {
                // A full disk, a read-only mount, lost permissions: every cell written so far is
                // whole
                // (each was renamed into place complete); the one being written is dropped.
                out.flush();
                err.println(
                        "normbench bench: could not write results under "
                                + dir.root()
                                + ": "
                                + e.getMessage());
                err.println(
                        "  finished cells are intact; the cell in progress is dropped. Free space (or fix the permissions),"
                                + " then resume: "
                                + resume);
                return 3;
            }
            String now = Instant.now().toString();
            conditionList.set(conditionList.size() - 1, conditions.finish());
            if (summary.stopped()) {
                List<Object> stops = new ArrayList<>();
                if (manifest.get("stopped_at") instanceof List<?> l) {
                    stops.addAll(l);
                }
                stops.add(now);
                manifest.put("stopped_at", stops);
            } else {
                manifest.put("finished_at", now);
            }
            manifest.put(
                    "summary",
                    Map.of(
                            "cells",
                            summary.cells(),
                            "ran",
                            summary.ran(),
                            "skipped",
                            summary.skipped(),
                            "stopped",
                            summary.stopped(),
                            "statuses",
                            summary.statuses().entrySet().stream()
                                    .collect(
                                            Collectors.toMap(
                                                    e -> e.getKey().csv(),
                                                    Map.Entry::getValue,
                                                    (a, b) -> a,
                                                    TreeMap::new))));
            dir.writeManifest(manifest);
            if (summary.stopped()) {
                out.println("stopped: " + summary.describe() + " -> " + dir.root());
                out.println(
                        "resume:  "
                                + resume
                                + "   (skips the "
                                + (summary.ran() + summary.skipped())
                                + " finished cells)");
                out.flush();
                return 130;
            }
            out.println("done: " + summary.describe() + " -> " + dir.root());
            out.println("report: " + reportHint(id, System.getenv(LAUNCHER_ENV)));
            return summary.allOk() ? 0 : 1;
        } finally {
            stop.release();
        }
    }

    /**
     * True when the runs go where make's targets look for them (no RUNS_DIR / --runs-dir needed).
     */
    private boolean isDefaultRunsDir() {
        return runsDir.equals(Path.of(DEFAULT_RUNS_DIR));
    }

    /**
     * How to build this run's report, printed when a run ends: {@code make report} in a checkout
     * ({@code RUNS_DIR=} when the runs are not under reports/runs), the bundle's {@code
     * bin/normbench-report} where it has one; a bundle made without {@code DIST_REPORT=1} has no
     * report, and the hint says what to do instead of naming a command that is not there.
     */
    String reportHint(String id, String launcher) {
        boolean defaultRunsDir = isDefaultRunsDir();
        if (launcher != null && !launcher.isBlank()) {
            Path bin = Path.of(launcher).toAbsolutePath().getParent();
            if (Files.isExecutable(bin.resolve("normbench-report"))) {
                return Path.of(launcher).resolveSibling("normbench-report")
                        + " --run "
                        + id
                        + (defaultRunsDir ? "" : " --runs-dir " + runsDir);
            }
            if (Files.isDirectory(bin.resolveSibling("runtime"))) {
                return "this bundle has no report (made without DIST_REPORT=1): copy "
                        + runsDir.resolve(id)
                        + " to reports/runs/ of a normbench checkout and run make report RUN="
                        + id;
            }
        }
        return "make report RUN=" + id + (defaultRunsDir ? "" : " RUNS_DIR=" + runsDir);
    }

    /**
     * The exact command that resumes this run: {@code make bench ... RUN=<id>} when started by
     * {@code make bench} (the Makefile sets {@value #VIA_MAKE_ENV}), else the launcher's command
     * line (the launcher named by {@value #LAUNCHER_ENV}); {@code --jobs} and {@code --threads}
     * come back as given (they do not change results, but the same command is what a user expects).
     * It names the grid or the resolved profile, so resuming never depends on PROFILE=auto choosing
     * alike.
     */
    String resumeCommand(String id, String profileName) {
        boolean defaultRunsDir = isDefaultRunsDir();
        if (System.getenv(VIA_MAKE_ENV) != null && defaultRunsDir && shard == null) {
            return "make bench "
                    + (gridFile != null ? "GRID=" + gridFile : "PROFILE=" + profileName)
                    + " RUN="
                    + id
                    + (jobs != null ? " JOBS=" + jobs : "");
        }
        String launcher = System.getenv(LAUNCHER_ENV);
        StringBuilder sb =
                new StringBuilder(
                        (launcher == null || launcher.isBlank() ? "bench/bin/normbench" : launcher)
                                + " bench");
        sb.append(gridFile != null ? " --grid " + gridFile : " --profile " + profileName)
                .append(" --run ")
                .append(id);
        if (!defaultRunsDir) {
            sb.append(" --runs-dir ").append(runsDir);
        }
        if (shard != null) {
            sb.append(" --shard ").append(shard);
        }
        if (jobs != null) {
            sb.append(" --jobs ").append(jobs);
        }
        if (threads != null) {
            sb.append(" --threads ").append(threads);
        }
        if (quiet) {
            sb.append(" --quiet");
        }
        return sb.toString();
    }

    /**
     * Where a finished cell's cells.csv header differs from this version's columns (a run started
     * by another normbench version), the file and its header; null when every cell matches.
     */
    static String otherCellColumns(RunDirectory dir) throws IOException {
        String expected = String.join(",", ResultsSchema.CELL_COLUMNS);
        for (String id : dir.finishedCells()) {
            Path f = dir.cellsDir().resolve(id).resolve(ResultsSchema.CELLS);
            try (var lines = Files.lines(f, StandardCharsets.UTF_8)) {
                String header = lines.findFirst().orElse("");
                if (!header.equals(expected)) {
                    List<String> have = List.of(header.split(",", -1));
                    List<String> missing =
                            ResultsSchema.CELL_COLUMNS.stream()
                                    .filter(c -> !have.contains(c))
                                    .toList();
                    List<String> extra =
                            have.stream()
                                    .filter(c -> !ResultsSchema.CELL_COLUMNS.contains(c))
                                    .toList();
                    List<String> parts = new ArrayList<>();
                    if (!missing.isEmpty()) {
                        parts.add("lacks " + String.join(", ", missing));
                    }
                    if (!extra.isEmpty()) {
                        parts.add("has extra " + String.join(", ", extra));
                    }
                    return f
                            + " "
                            + (parts.isEmpty()
                                    ? "has the same columns in another order"
                                    : String.join(", ", parts));
                }
            }
        }
        return null;
    }

    /**
     * Why a dataset the train cells read is not usable (not fetched, or not verified in the cache),
     * or null when all are. Checked before the run starts: otherwise every cell that reads it would
     * fail on its own, one error row each. Throughput cells train on random images and need none.
     */
    private static String missingDataset(List<CellSpec> cells) {
        for (String name :
                cells.stream()
                        .filter(c -> c.kind() != CellKind.THROUGHPUT)
                        .map(CellSpec::dataset)
                        .distinct()
                        .toList()) {
            try {
                DatasetCache.requireVerified(DatasetRegistry.get(name), DatasetCache.defaultRoot());
            } catch (DatasetNotAvailableException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /**
     * --heartbeat, else NORMBENCH_HEARTBEAT_SECONDS, else 30; a negative or non-numeric value is an
     * input error.
     */
    private int heartbeatSeconds() {
        if (heartbeatSeconds != null) {
            if (heartbeatSeconds < 0) {
                throw new IllegalArgumentException(
                        "--heartbeat="
                                + heartbeatSeconds
                                + ": allowed: 0 (off) or a whole number of seconds");
            }
            return heartbeatSeconds;
        }
        String v = System.getenv("NORMBENCH_HEARTBEAT_SECONDS");
        if (v == null || v.isBlank()) {
            return 30;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "NORMBENCH_HEARTBEAT_SECONDS='"
                        + v
                        + "': allowed: 0 (off) or a whole number of seconds");
    }

    /** --jobs, else the grid's {@code jobs}, else 1; threads from --threads or cores / jobs. */
    private JobPlan jobPlan(Grid grid) {
        Object fromGrid = grid.document().get("jobs");
        String spec = jobs != null ? jobs : fromGrid == null ? null : fromGrid.toString();
        int gpus =
                spec != null && spec.trim().equalsIgnoreCase("auto") ? TorchRuntime.gpuCount() : 0;
        long hostMemory =
                ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize();
        long gpuMemory = gpus > 0 ? CudaUtils.getGpuMemory(Device.gpu(0)).getMax() : 0;
        if (spec == null && threads == null) {
            return JobPlan.sequential(Runtime.getRuntime().availableProcessors());
        }
        return JobPlan.resolve(
                spec,
                threads,
                Runtime.getRuntime().availableProcessors(),
                gpus,
                hostMemory,
                gpuMemory);
    }

    /**
     * Times the grid's distinct steps on a thread set up as a --jobs worker, with --jobs > 1 also
     * as many copies of the heaviest side by side as one device runs at once, and formats the
     * estimate.
     */
    private static String estimateOf(List<CellSpec> cells, JobPlan plan, Runnable threadSetup)
            throws Exception {
        ExecutorService probe = Executors.newSingleThreadExecutor();
        // As the run places them (DeviceSlots): the jobs spread over the pool's devices.
        int devices = DeviceSlots.poolFor(TorchRuntime.gpuCount()).size();
        long trainCells = cells.stream().filter(c -> c.kind() == CellKind.TRAIN).count();
        int together = (int) Math.min(trainCells, (plan.jobs() + devices - 1) / devices);
        try {
            long t0 = System.nanoTime();
            GridEstimate.Result r =
                    probe.submit(
                                    () -> {
                                        threadSetup.run();
                                        return GridEstimate.estimate(
                                                cells,
                                                plan.jobs(),
                                                ProbeTimer::time,
                                                together,
                                                (cell, n) ->
                                                        ProbeTimer.timeTogether(
                                                                cell, n, threadSetup));
                                    })
                            .get();
            return GridEstimate.format(
                    r,
                    plan.reason()
                            + String.format(
                                    Locale.ROOT,
                                    "; timing took %.0f s",
                                    (System.nanoTime() - t0) / 1e9));
        } finally {
            probe.shutdown();
        }
    }

    /**
     * Checks rbn's optimised training step on each device where these cells would run it ({@link
     * RunningBatchNormFuseCheck}; with {@code jobs} > 1 an {@code auto} cell may land on any GPU,
     * so each is checked), before any of them trains: a failure is said on stderr and turns the
     * optimiser off for the whole run. Returns each checked device's outcome, for the manifest.
     */
    private static Map<String, String> checkRbnOptimizedSteps(
            List<CellSpec> cells, int jobs, Engine engine, PrintStream out, PrintStream err) {
        Map<String, String> outcomes = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        int gpus = engine.getGpuCount();
        for (CellSpec cell : cells) {
            if (!seen.add(cell.device() + " " + cell.norm() + " " + cell.normOptions())
                    || !buildsRunningBatchNorm(cell)) {
                continue;
            }
            List<DeviceSpec> devices = new ArrayList<>();
            try {
                DeviceSpec asked = DeviceSpec.parse(cell.device());
                if (asked.kind() == DeviceSpec.Kind.AUTO && jobs > 1) {
                    for (String name : DeviceSlots.poolFor(gpus)) {
                        devices.add(DeviceSpec.parse(name));
                    }
                } else {
                    devices.add(asked.resolve(gpus));
                }
            } catch (RuntimeException e) {
                continue; // the cell itself records why its device is not there
            }
            for (DeviceSpec spec : devices) {
                String name = spec.toString();
                Device device = TorchRuntime.device(spec);
                if (outcomes.containsKey(name) || !RunningBatchNormBlock.optimizes(device)) {
                    continue;
                }
                RunningBatchNormFuseCheck.Result r = RunningBatchNormFuseCheck.run(engine, device);
                outcomes.put(name, r.describe());
                if (r.passed()) {
                    out.println("rbn optimised step on " + name + ": " + r.describe());
                } else {
                    err.println(
                            "warning: rbn optimised step on "
                                    + name
                                    + ": "
                                    + r.describe()
                                    + " ("
                                    + RunningBatchNormBlock.FUSE_ENV
                                    + "=off skips this check)");
                }
            }
        }
        return outcomes;
    }

    /** Whether the cell's norm, with its options, is a RunningBatchNorm (rbn or a plug-in). */
    private static boolean buildsRunningBatchNorm(CellSpec cell) {
        try {
            Norm norm = NormRegistry.get(cell.norm());
            return norm.create(64, NormOptions.parse(norm, cell.normOptions()))
                    instanceof RunningBatchNormBlock;
        } catch (RuntimeException e) {
            return false; // the cell itself records what is wrong with its norm
        }
    }

    /**
     * Why run {@code id} in {@code dir} cannot go on with this grid (it was started with another,
     * or its cells were written with other columns), or null.
     */
    private static String resumeRefusal(RunDirectory dir, String id, String gridHash)
            throws IOException {
        var manifest = dir.readManifest();
        if (manifest.isPresent() && !gridHash.equals(manifest.get().get("grid_sha256"))) {
            return "run "
                    + id
                    + " in "
                    + dir.root()
                    + " was started with a different grid (grid_sha256 "
                    + manifest.get().get("grid_sha256")
                    + "); use a new --run id, or the grid it was started with.";
        }
        String stale = otherCellColumns(dir);
        if (stale != null) {
            return "run "
                    + id
                    + " in "
                    + dir.root()
                    + " was written with other cells.csv columns ("
                    + stale
                    + "), by another normbench version; resuming would mix row layouts. Finish it"
                    + " with that version, or use a new --run id.";
        }
        return null;
    }

    private static String leftLine(String id, int left, int all) {
        return String.format(
                Locale.ROOT,
                "run %s: %d of %d cells left to run (%d stored results kept)",
                id,
                left,
                all,
                all - left);
    }

    /**
     * How long a stop signal waits for the current step; NORMBENCH_STOP_GRACE_SECONDS overrides.
     */
    private static Duration stopGrace() {
        String v = System.getenv("NORMBENCH_STOP_GRACE_SECONDS");
        if (v != null && !v.isBlank()) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                System.err.println(
                        "normbench: ignoring NORMBENCH_STOP_GRACE_SECONDS='"
                                + v
                                + "' (want whole seconds)");
            }
        }
        return Duration.ofSeconds(120);
    }

    private static String shardSuffix(Shard s) {
        return "-shard-" + s.index() + "-of-" + s.count();
    }

    private Map<String, Object> manifest(
            Map<String, Object> previous,
            String id,
            String profileName,
            String reason,
            Path file,
            Grid grid,
            String gridHash,
            Shard theShard,
            Engine engine) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", ResultsSchema.VERSION);
        m.put("run_id", id);
        m.put("profile", profileName);
        m.put("profile_reason", reason);
        m.put("grid_name", grid.name());
        m.put("grid_description", grid.description());
        m.put("grid_file", file.toString());
        m.put("grid_sha256", gridHash);
        m.put("grid", grid.document());
        m.put("seeds", grid.seeds());
        m.put(
                "lr_protocols",
                grid.cells().stream().map(c -> c.lr().protocol().key()).distinct().toList());
        List<String> all = new ArrayList<>();
        for (CellSpec c : grid.cells()) {
            all.add(c.cellId());
        }
        m.put("cells", all);
        m.put("cell_count", all.size());
        m.put(
                "shard",
                theShard.count() > 1
                        ? Map.of("index", theShard.index(), "count", theShard.count())
                        : null);
        m.put("git", Provenance.git());
        m.put("versions", Provenance.versions(engine));
        m.put("host", Provenance.host());
        m.put("gpus", Provenance.gpus(engine));
        m.put("allocator", Provenance.allocator());
        m.put("torch_threads", Provenance.torchThreads());
        m.put("cpu", HostFacts.cpu());
        m.put("threads", ThreadSettings.describe());
        m.put("cuda_streams", CudaStreams.mode(engine.getGpuCount() > 0));
        m.put("backward_thread", BackwardThread.mode(engine.getGpuCount() > 0));
        m.put("rbn_fuse", RunningBatchNormBlock.fuseSetting());
        m.put("command", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        String now = Instant.now().toString();
        m.put(
                "started_at",
                previous != null && previous.get("started_at") != null
                        ? previous.get("started_at")
                        : now);
        List<Object> resumed = new ArrayList<>();
        if (previous != null) {
            if (previous.get("resumed_at") instanceof List<?> l) {
                resumed.addAll(l);
            }
            resumed.add(now);
        }
        m.put("resumed_at", resumed);
        if (previous != null && previous.get("stopped_at") instanceof List<?> l) {
            m.put("stopped_at", new ArrayList<>(l));
        }
        m.put("finished_at", null);
        return m;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
