package org.normbench.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.normbench.datasets.DatasetLoader;
import org.normbench.datasets.DatasetRequest;
import org.normbench.datasets.DatasetSplits;

/**
 * Memory check, run by hand (not a unit test): trains a small model (width 0.125, batch 8, stats
 * every 10 steps, validation every 100, so every code path has run before step 200) for {@code steps} steps on the embedded subset and prints
 * the process RSS at steps 200 and {@code steps}; growth above 5% means something is kept past its
 * step. Run with {@code java -cp <test classpath> org.normbench.train.MemorySoak [steps]} and the
 * surefire environment (MALLOC_* tuning), and a pre-touched fixed Java heap
 * ({@code -Xms512m -Xmx512m -XX:+AlwaysPreTouch}) so that Java heap growth (the recorded rows live
 * there) does not mask or mimic native growth.
 */
public final class MemorySoak {
    private MemorySoak() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        DatasetSplits splits = DatasetLoader.load(DatasetRequest.of("fashion-mnist-subset").withFitCifarStem(true));
        List<long[]> samples = new ArrayList<>();
        Callback rss = new Callback() {
            @Override
            public void afterBatch(Learner l) {
                if (l.step() == 200 || l.step() % 250 == 0 || l.step() == steps) {
                    samples.add(new long[] {l.step(), PeakMemory.rssBytes()});
                    System.out.printf(Locale.ROOT, "step %5d  rss %.1f MiB%n", l.step(), PeakMemory.rssBytes() / 1048576.0);
                }
            }
        };
        TrainConfig cfg = TrainConfig.builder().batchSize(8).baseLr(0.1).referenceBatchSize(128).maxSteps(steps)
                .statsEverySteps(10).validateEverySteps(100).seed(1).build();
        try (Learner l = new Learner(TestModels.resnet18(0.125, false), cfg, splits, true, List.of(rss))) {
            FitResult r = l.fit();
            System.out.printf(Locale.ROOT, "status %s steps %d median step %.1f ms, %d activation rows%n",
                    r.status(), r.steps(), r.stepMsMedian(), r.activations().size());
        }
        long at200 = samples.get(0)[1];
        long atEnd = samples.get(samples.size() - 1)[1];
        System.out.printf(Locale.ROOT, "RSS step 200: %.1f MiB, step %d: %.1f MiB, growth %+.2f%%%n",
                at200 / 1048576.0, steps, atEnd / 1048576.0, 100.0 * (atEnd - at200) / at200);
    }
}
