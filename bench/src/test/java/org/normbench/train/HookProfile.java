package org.normbench.train;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.normbench.engine.CellThreads;
import org.normbench.engine.TorchRuntime;
import org.normbench.hooks.ActivationStats;
import org.normbench.hooks.HistogramSpec;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;

/**
 * Tool, not a test ({@code make bench-hooks}): what activation statistics cost a training step on a
 * chosen statistics path, by default the device-op path GPUs use, forced on whatever device runs
 * it. ResNet18 through {@link Learner}, every probe hooked, real {@link ActivationStatsCallback}.
 *
 * <ol>
 *   <li><b>Ops:</b> libtorch's profiler traces one unhooked and one logged step (both after
 *       warm-up, so cached constants exist); aten ops are counted the way {@code
 *       bench/reference/count_ops.py} counts them (top-level: not nested in another aten op on the
 *       same thread). {@code aten::item} is a host read, i.e. a device sync on a GPU. The
 *       statistics' own host copies and uploads are the {@link ActivationStats} counters.
 *   <li><b>Time:</b> rounds of three blocks of {@code block} steps - no hooks, statistics on every
 *       step, statistics on the first step of the block (every {@code block} steps) - in a rotating
 *       order, so all three see the same drift of a shared machine; the overhead is the ratio of
 *       the median block times (and the median of per-round ratios).
 * </ol>
 *
 * System properties: {@code hooks.device} (cpu | gpu), {@code hooks.path} (DEVICE_OPS | AUTO |
 * CPU_PASS), {@code hooks.norm} (bn), {@code hooks.batch} (8), {@code hooks.width} (1.0), {@code
 * hooks.layers} (*), {@code hooks.rounds} (8), {@code hooks.block} (10), {@code hooks.trace}
 * (folder for the two traces; default a temp folder), {@code hooks.cpu} (false: wall time; true:
 * this thread's CPU time, which holds up on a shared machine when libtorch runs one intra-op
 * thread, {@code -Dai.djl.pytorch.num_threads=1}, so that all its work runs on this thread; CPU
 * only).
 */
public final class HookProfile {
    private HookProfile() {}

    private static final boolean CPU_TIME = Boolean.getBoolean("hooks.cpu");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Wall time, or this thread's CPU time with {@code -Dhooks.cpu=true}, in ns. */
    private static long now() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private enum Mode {
        NO_HOOKS,
        EVERY_STEP,
        EVERY_BLOCK
    }

    public static void main(String[] args) throws IOException {
        // normbench's loading first (offline, gpu-setup's selection): Device.fromName alone would
        // let DJL pick a libtorch itself, and try to download one.
        TorchRuntime.engine();
        Device device = Device.fromName(System.getProperty("hooks.device", "cpu"));
        // As a cell's thread: on a GPU, a stream of its own and its own backward passes.
        CellThreads.prepare(device);
        ActivationStats.Path path =
                ActivationStats.Path.valueOf(System.getProperty("hooks.path", "DEVICE_OPS"));
        String norm = System.getProperty("hooks.norm", "bn");
        int batch = Integer.getInteger("hooks.batch", 8);
        double width = Double.parseDouble(System.getProperty("hooks.width", "1.0"));
        String layers = System.getProperty("hooks.layers", "*");
        int rounds = Integer.getInteger("hooks.rounds", 8);
        int block = Integer.getInteger("hooks.block", 10);
        String traceDir = System.getProperty("hooks.trace");
        Path traces =
                traceDir != null
                        ? Files.createDirectories(Path.of(traceDir))
                        : Files.createTempDirectory("normbench-hooks");

        Block model = ResNet18.build(ResNetConfig.cifar(norm, "relu").withWidth(width));
        Schedule schedule = new Schedule(layers, path, block, rounds, traces);
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(batch)
                        .maxSteps(schedule.totalSteps())
                        .timerWarmupSteps(0)
                        .warmupFraction(0)
                        .statsEverySteps(0)
                        .seed(0)
                        .device(device)
                        .divergenceLossBound(Double.MAX_VALUE)
                        .build();
        try (Learner l =
                new Learner(
                        model,
                        cfg,
                        new Throughput.RandomImages(batch, new Shape(3, 32, 32), 10, 0),
                        null,
                        StandardCallbacks.of(cfg).with(schedule, schedule.stamp))) {
            l.fit();
        }
        System.out.println(schedule.report(device, path, norm, batch, width, layers));
    }

    /**
     * Decides per step whether the statistics callback runs, traces the two profiled steps and
     * keeps the block times. Runs first (order 10) so the statistics see its decision; {@link
     * #stamp} runs after the step timer's device sync (order 110) and closes the step's time.
     */
    private static final class Schedule implements Callback {
        private static final int WARMUP = 6;
        private final ActivationStatsCallback stats;
        private final int block;
        private final int rounds;
        private final Path traces;
        private final int plainTraced = WARMUP + 1;
        private final int loggedTraced = WARMUP + 2;
        private final int firstTimed = WARMUP + 3;
        private final Map<Mode, List<Double>> blockMs = new HashMap<>();
        private final List<double[]> roundRatios = new ArrayList<>();
        private Counts plainOps;
        private Counts loggedOps;
        private long copiesBefore;
        private long uploadsBefore;
        private long loggedCopies = -1;
        private long loggedUploads = -1;
        private boolean hooked;
        private long t0;
        private double blockSum;
        private final double[] roundBlock = new double[Mode.values().length];

        final Callback stamp =
                new Callback() {
                    @Override
                    public int order() {
                        return 110;
                    }

                    @Override
                    public void afterStep(Learner l) {
                        closeStep(l.step(), (now() - t0) / 1e6);
                    }
                };

        Schedule(String layers, ActivationStats.Path path, int block, int rounds, Path traces) {
            this.stats =
                    new ActivationStatsCallback(
                            layers,
                            1,
                            HistogramSpec.defaults(),
                            ActivationStats.DEFAULT_DEAD_WINDOW,
                            path);
            this.block = block;
            this.rounds = rounds;
            this.traces = traces;
        }

        int totalSteps() {
            return firstTimed - 1 + rounds * Mode.values().length * block;
        }

        /** The mode of timed step {@code step}: round r runs the three modes rotated by r. */
        private Mode mode(int step) {
            int i = step - firstTimed;
            int round = i / (Mode.values().length * block);
            int slot = (i / block) % Mode.values().length;
            return Mode.values()[(slot + round) % Mode.values().length];
        }

        private boolean hookedAt(int step) {
            if (step < firstTimed) {
                return step == loggedTraced || (step <= WARMUP && step % 2 == 0);
            }
            return switch (mode(step)) {
                case NO_HOOKS -> false;
                case EVERY_STEP -> true;
                case EVERY_BLOCK -> (step - firstTimed) % block == 0;
            };
        }

        @Override
        public int order() {
            return 10;
        }

        @Override
        public void beforeFit(Learner l) {
            stats.beforeFit(l);
        }

        @Override
        public void beforeBatch(Learner l) {
            int step = l.step();
            if (step == plainTraced || step == loggedTraced) {
                JniUtils.startProfile(false, false, false);
            }
            if (step == loggedTraced) {
                copiesBefore = stats.statistics().hostCopies();
                uploadsBefore = stats.statistics().uploads();
            }
            hooked = hookedAt(step);
            t0 = now();
            if (hooked) {
                stats.beforeBatch(l);
            }
        }

        @Override
        public void afterStep(Learner l) {
            if (hooked) {
                stats.afterStep(l);
            }
        }

        @Override
        public void afterBatch(Learner l) {
            if (hooked) {
                stats.afterBatch(l);
            }
            int step = l.step();
            if (step == plainTraced || step == loggedTraced) {
                Path file = traces.resolve(step == plainTraced ? "no-hooks.json" : "logged.json");
                JniUtils.stopProfile(file.toString());
                try {
                    Counts c = Counts.of(file);
                    if (step == plainTraced) {
                        plainOps = c;
                    } else {
                        loggedOps = c;
                        loggedCopies = stats.statistics().hostCopies() - copiesBefore;
                        loggedUploads = stats.statistics().uploads() - uploadsBefore;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read the trace " + file, e);
                }
            }
        }

        @Override
        public void afterFit(Learner l) {
            stats.afterFit(l);
        }

        private void closeStep(int step, double ms) {
            if (step < firstTimed) {
                return;
            }
            blockSum += ms;
            if ((step - firstTimed + 1) % block != 0) {
                return;
            }
            Mode m = mode(step);
            blockMs.computeIfAbsent(m, k -> new ArrayList<>()).add(blockSum);
            roundBlock[m.ordinal()] = blockSum;
            blockSum = 0;
            if ((step - firstTimed + 1) % (block * Mode.values().length) == 0) {
                double plain = roundBlock[Mode.NO_HOOKS.ordinal()];
                roundRatios.add(
                        new double[] {
                            roundBlock[Mode.EVERY_STEP.ordinal()] / plain,
                            roundBlock[Mode.EVERY_BLOCK.ordinal()] / plain
                        });
            }
        }

        String report(
                Device device,
                ActivationStats.Path path,
                String norm,
                int batch,
                double width,
                String layers) {
            StringBuilder sb = new StringBuilder();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "HookProfile device=%s path=%s norm=%s batch=%d width=%s layers=%s time=%s%n",
                            device,
                            path,
                            norm,
                            batch,
                            width,
                            layers,
                            CPU_TIME ? "thread CPU" : "wall"));
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "aten ops per step (top-level / all): no hooks %d / %d, logged step %d / %d,"
                                    + " statistics %+d / %+d%n",
                            plainOps.top,
                            plainOps.all,
                            loggedOps.top,
                            loggedOps.all,
                            loggedOps.top - plainOps.top,
                            loggedOps.all - plainOps.all));
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "host reads (aten::item, a device sync each on a GPU): no hooks %d, logged step %d;"
                                    + " statistics' host copies %d and uploads %d in the logged step%n",
                            plainOps.items,
                            loggedOps.items,
                            loggedCopies,
                            loggedUploads));
            sb.append("statistics' top-level ops by name (logged minus no hooks):");
            Map<String, Integer> diff = new TreeMap<>();
            loggedOps.names.forEach((k, v) -> diff.merge(k, v, Integer::sum));
            plainOps.names.forEach((k, v) -> diff.merge(k, -v, Integer::sum));
            diff.entrySet().stream()
                    .filter(e -> e.getValue() != 0)
                    .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
                    .forEach(
                            e ->
                                    sb.append(' ')
                                            .append(e.getKey())
                                            .append('=')
                                            .append(e.getValue()));
            sb.append(System.lineSeparator());
            double plain = median(blockMs.get(Mode.NO_HOOKS));
            double every = median(blockMs.get(Mode.EVERY_STEP));
            double everyBlock = median(blockMs.get(Mode.EVERY_BLOCK));
            double[] r1 = roundRatios.stream().mapToDouble(r -> r[0]).toArray();
            double[] r10 = roundRatios.stream().mapToDouble(r -> r[1]).toArray();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "step time, median over %d rounds of interleaved blocks of %d steps: no hooks %.2f ms,"
                                    + " statistics every step %.2f ms (x%.3f, per-round median x%.3f),"
                                    + " every %d steps %.2f ms (x%.3f, per-round median x%.3f)%n",
                            rounds,
                            block,
                            plain / block,
                            every / block,
                            every / plain,
                            median(r1),
                            block,
                            everyBlock / block,
                            everyBlock / plain,
                            median(r10)));
            return sb.toString();
        }
    }

    /** aten events of one traced step: top-level, all, and top-level ones by name. */
    private record Counts(int top, int all, int items, Map<String, Integer> names) {

        /** The rule of count_ops.py's count_trace, for one step. */
        static Counts of(Path trace) throws IOException {
            JsonNode root = new ObjectMapper().readTree(trace.toFile());
            JsonNode events = root.isArray() ? root : root.get("traceEvents");
            Map<String, List<double[]>> byThread = new HashMap<>();
            Map<String, List<String>> namesByThread = new HashMap<>();
            for (JsonNode e : events) {
                String name = e.path("name").asText("");
                if (!"X".equals(e.path("ph").asText()) || !name.startsWith("aten::")) {
                    continue;
                }
                String thread = e.path("pid").asText() + "/" + e.path("tid").asText();
                byThread.computeIfAbsent(thread, k -> new ArrayList<>())
                        .add(
                                new double[] {
                                    e.path("ts").asDouble(),
                                    e.path("dur").asDouble(),
                                    namesByThread
                                            .computeIfAbsent(thread, k -> new ArrayList<>())
                                            .size()
                                });
                namesByThread.get(thread).add(name);
            }
            int top = 0;
            int all = 0;
            int items = 0;
            Map<String, Integer> names = new HashMap<>();
            for (Map.Entry<String, List<double[]>> t : byThread.entrySet()) {
                List<double[]> evs = t.getValue();
                evs.sort(
                        (a, b) ->
                                a[0] != b[0]
                                        ? Double.compare(a[0], b[0])
                                        : -Double.compare(a[1], b[1]));
                double openUntil = Double.NEGATIVE_INFINITY;
                for (double[] ev : evs) {
                    all++;
                    String name = namesByThread.get(t.getKey()).get((int) ev[2]);
                    items += name.equals("aten::item") ? 1 : 0;
                    if (ev[0] >= openUntil) {
                        top++;
                        names.merge(name, 1, Integer::sum);
                        openUntil = ev[0] + ev[1];
                    }
                }
            }
            return new Counts(top, all, items, names);
        }
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        return median(a);
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }
}
