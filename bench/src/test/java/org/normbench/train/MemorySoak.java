package org.normbench.train;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import org.normbench.datasets.DatasetLoader;
import org.normbench.datasets.DatasetRequest;
import org.normbench.datasets.DatasetSplits;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;

/**
 * Long-run memory check, run by hand (not a unit test; {@code StepsLeaveNoNDArraysBehindTest} is
 * the fast per-step check): trains a small ResNet18 (default bn, width 0.125, batch 8, stats every
 * 10 steps, validation every 100, so every code path has run before step 200) on the embedded
 * subset and samples, at step 200, every 250 steps and the last step: RSS split into anonymous and
 * file pages, and the NDArrays that outlive their step ({@link LiveArrays}). It prints a verdict
 * that tells a leak (growth per step: NDArrays piling up, or RSS still rising after step 1000) from
 * warm-up (one-time growth to a high-water mark that glibc then keeps: direct buffers awaiting a
 * GC, see below; the temporaries of the statistics steps; JIT compiler arenas), and the issue-6
 * target (RSS growth from step 200 to the end below 5 %).
 *
 * <p>Run from the repository root after {@code ./mvnw -B -q -pl bench -am package -DskipTests}:
 *
 * <pre>
 * source bench/bin/cpu-env.sh &amp;&amp; java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -Dai.djl.offline=true \
 *   -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
 *   -cp bench/target/test-classes:bench/target/classes:$(cat bench/target/jmh-classpath.txt) \
 *   org.normbench.train.MemorySoak [steps=2000] [norm=bn] [width=0.125]
 * </pre>
 *
 * The fixed, pre-touched Java heap keeps Java heap growth (recorded rows live there) from masking
 * or mimicking native growth. With {@code -XX:NativeMemoryTracking=summary} each sample also shows
 * the JVM's own committed memory; its "Other" is mostly direct ByteBuffers: DJL copies every {@code
 * create(float[])} (each batch) into a fresh one that only a GC frees, so they pile up between
 * collections and glibc keeps that high-water mark (a warm-up, not a leak).
 */
public final class MemorySoak {
    /**
     * RSS slope after {@link #SLOPE_FROM} below which a run counts as flat: 2 KiB per step on
     * average, under one leaked 16x8x3x3 float weight copy (4.5 KiB) a step, above the single
     * allocator jumps seen on flat runs (0.1-0.9 MiB per 1000 steps).
     */
    static final double FLAT_MIB_PER_1000_STEPS = 2.0;

    /**
     * Where the slope starts: warm-up measured here ends by step 550-750 (bn, width 0.125, batch
     * 8).
     */
    static final int SLOPE_FROM = 1000;

    static final double TARGET_GROWTH_PERCENT = 5.0;

    private MemorySoak() {}

    /** One reading; {@code jvm} maps NMT categories to committed bytes (empty without NMT). */
    record Sample(
            int step,
            long rss,
            long anon,
            long file,
            int arrays,
            long arrayBytes,
            Map<String, Long> jvm) {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String norm = args.length > 1 ? args[1] : "bn";
        double width = args.length > 2 ? Double.parseDouble(args[2]) : 0.125;
        System.out.printf(
                Locale.ROOT,
                "MemorySoak: %d steps, norm %s, width %s, batch 8; %s; load %s%n",
                steps,
                norm,
                width,
                allocatorSettings(),
                loadAverage());
        DatasetSplits splits =
                DatasetLoader.load(
                        DatasetRequest.of("fashion-mnist-subset").withFitCifarStem(true));
        List<Sample> samples = new ArrayList<>();
        Callback probe =
                new Callback() {
                    @Override
                    public void afterBatch(Learner l) {
                        if (l.step() == 200 || l.step() % 250 == 0 || l.step() == l.totalSteps()) {
                            List<NDArray> live = LiveArrays.outsideStep(l);
                            Sample s =
                                    new Sample(
                                            l.step(),
                                            PeakMemory.rssBytes(),
                                            PeakMemory.rssAnonBytes(),
                                            PeakMemory.rssFileBytes(),
                                            live.size(),
                                            LiveArrays.bytes(live),
                                            nativeMemoryTracking());
                            samples.add(s);
                            System.out.printf(
                                    Locale.ROOT,
                                    "step %5d  rss %7.1f MiB  anon %7.1f  file %6.1f  live NDArrays %6d (%.1f MiB)%s%n",
                                    s.step(),
                                    mib(s.rss()),
                                    mib(s.anon()),
                                    mib(s.file()),
                                    s.arrays(),
                                    mib(s.arrayBytes()),
                                    s.jvm().isEmpty()
                                            ? ""
                                            : String.format(
                                                    Locale.ROOT,
                                                    "  JVM (NMT) %.1f, of which Other %.1f",
                                                    mib(s.jvm().get("Total")),
                                                    mib(s.jvm().getOrDefault("Other", 0L))));
                        }
                    }
                };
        TrainConfig cfg =
                TrainConfig.builder()
                        .batchSize(8)
                        .baseLr(0.1)
                        .referenceBatchSize(128)
                        .maxSteps(steps)
                        .statsEverySteps(10)
                        .validateEverySteps(100)
                        .seed(1)
                        .build();
        ResNetConfig model = ResNetConfig.cifar(norm, "relu").withWidth(width);
        StandardCallbacks standard = StandardCallbacks.of(cfg);
        try (Learner l =
                new Learner(ResNet18.build(model), cfg, splits, true, standard.with(probe))) {
            FitResult r = l.fit();
            System.out.printf(
                    Locale.ROOT,
                    "status %s steps %d median step %.1f ms, %d activation rows%n",
                    r.status(),
                    r.steps(),
                    standard.timer().medianMs(),
                    standard.activations().size());
        }
        System.out.println(jvmGrowth(samples));
        System.out.println(verdict(samples));
    }

    private static final Pattern NMT_LINE =
            Pattern.compile("^(?:-\\s+(.+?) \\(|(Total): )reserved=(\\d+)KB, committed=(\\d+)KB");

    /**
     * Committed bytes per category of the JVM's own native memory (Java heap, class metadata, code
     * cache, JIT compiler, GC, threads...), when the JVM runs with -XX:NativeMemoryTracking; empty
     * otherwise.
     */
    static Map<String, Long> nativeMemoryTracking() {
        Map<String, Long> out = new LinkedHashMap<>();
        String text;
        try {
            text =
                    (String)
                            ManagementFactory.getPlatformMBeanServer()
                                    .invoke(
                                            new ObjectName(
                                                    "com.sun.management:type=DiagnosticCommand"),
                                            "vmNativeMemory",
                                            new Object[] {new String[] {"summary", "scale=KB"}},
                                            new String[] {String[].class.getName()});
        } catch (JMException | RuntimeException e) {
            return out;
        }
        for (String line : text.split("\n")) {
            Matcher m = NMT_LINE.matcher(line.trim());
            if (m.find()) {
                out.put(
                        m.group(1) != null ? m.group(1) : m.group(2),
                        Long.parseLong(m.group(4)) * 1024);
            }
        }
        return out;
    }

    /**
     * Where the JVM's own committed memory grew between the first and last sample (NMT runs only).
     */
    static String jvmGrowth(List<Sample> samples) {
        if (samples.size() < 2 || samples.get(0).jvm().isEmpty()) {
            return "JVM native memory: not tracked (add -XX:NativeMemoryTracking=summary to split it)";
        }
        Map<String, Long> a = samples.get(0).jvm();
        Map<String, Long> b = samples.get(samples.size() - 1).jvm();
        StringBuilder sb =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "JVM committed step %d -> %d:",
                                samples.get(0).step(),
                                samples.get(samples.size() - 1).step()));
        for (Map.Entry<String, Long> e : b.entrySet()) {
            long d = e.getValue() - a.getOrDefault(e.getKey(), 0L);
            if (Math.abs(d) >= 512 * 1024) {
                sb.append(String.format(Locale.ROOT, " %s %+.1f MiB;", e.getKey(), mib(d)));
            }
        }
        return sb.toString();
    }

    /**
     * Growth 200 -> end against the target, and leak vs warm-up: any NDArray outliving its step
     * after step 200 is a leak at any run length; an RSS slope needs the warm-up behind it, so it
     * is taken from step {@value #SLOPE_FROM} to the end of runs of at least twice that.
     */
    static String verdict(List<Sample> samples) {
        if (samples.size() < 2) {
            return "VERDICT: too few samples (" + samples.size() + "); run at least 250 steps";
        }
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        double growth = 100.0 * (last.rss() - first.rss()) / first.rss();
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "RSS step %d: %.1f MiB, step %d: %.1f MiB, growth %+.2f%% (target < %.0f%%: %s)%n",
                        first.step(),
                        mib(first.rss()),
                        last.step(),
                        mib(last.rss()),
                        growth,
                        TARGET_GROWTH_PERCENT,
                        growth < TARGET_GROWTH_PERCENT ? "met" : "MISSED"));
        Sample mid = samples.stream().filter(s -> s.step() >= SLOPE_FROM).findFirst().orElse(last);
        boolean longEnough = last.step() >= 2 * SLOPE_FROM;
        double slope = mib(last.rss() - mid.rss()) / Math.max(1, last.step() - mid.step()) * 1000;
        if (longEnough) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "slope step %d -> %d: RSS %+.2f MiB per 1000 steps (anon %+.2f)%n",
                            mid.step(),
                            last.step(),
                            slope,
                            mib(last.anon() - mid.anon()) / (last.step() - mid.step()) * 1000));
        }
        if (last.arrays() > first.arrays()) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "VERDICT: LEAK - %d NDArrays (%.1f MiB) outlived their step between step %d and %d"
                                    + " (%.1f per step)",
                            last.arrays() - first.arrays(),
                            mib(last.arrayBytes() - first.arrayBytes()),
                            first.step(),
                            last.step(),
                            (double) (last.arrays() - first.arrays())
                                    / (last.step() - first.step())));
        } else if (!longEnough) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "VERDICT: NDArrays constant (%d); run at least %d steps to tell RSS warm-up"
                                    + " from a native leak",
                            last.arrays(),
                            2 * SLOPE_FROM));
        } else if (slope >= FLAT_MIB_PER_1000_STEPS) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "VERDICT: GROWING - NDArrays constant, but RSS still rises %.2f MiB per 1000 steps"
                                    + " after step %d (native leak or allocator fragmentation)",
                            slope,
                            mid.step()));
        } else {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "VERDICT: FLAT - NDArrays constant (%d) and RSS within %.1f MiB per 1000 steps after"
                                    + " step %d; growth before that is warm-up",
                            last.arrays(),
                            FLAT_MIB_PER_1000_STEPS,
                            mid.step()));
        }
        return sb.toString();
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static String allocatorSettings() {
        StringBuilder sb = new StringBuilder();
        for (String k :
                List.of(
                        "MALLOC_MMAP_THRESHOLD_",
                        "MALLOC_TRIM_THRESHOLD_",
                        "MALLOC_TOP_PAD_",
                        "MALLOC_ARENA_MAX",
                        "LD_PRELOAD")) {
            String v = System.getenv(k);
            if (v != null) {
                sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v);
            }
        }
        return sb.isEmpty() ? "glibc malloc defaults" : sb.toString();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
