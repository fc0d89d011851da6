package org.normbench.train;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.normbench.engine.TorchRuntime;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;

/**
 * Tool, not a test: where the time of one ResNet18 training step goes on the Java side. Runs {@link
 * Throughput}'s step through {@link Learner} with a callback that stamps every event and prints
 * median milliseconds per phase: input + forward + loss (with the loss's host read), backward,
 * update (optimizer), the whole step, and the step's 10th percentile (robust to a busy machine).
 * {@code -Dprofile.cpu=true} measures the thread's CPU time instead of wall time: with {@code
 * -Dai.djl.pytorch.num_threads=1} all of libtorch's work runs on this thread, so the numbers hold
 * up on a shared machine. {@code -Dprofile.width=0.25 -Dprofile.image=8} shrinks the compute until
 * the step is almost all fixed per-op cost. {@code -Dprofile.trace=/tmp/x} writes libtorch's
 * profiler trace (chrome format) of the first 3 whole timed steps to /tmp/x-bsN.json; {@code make
 * bench-ops} counts the ops in it against PyTorch eager (bench/reference/count_ops.py).
 *
 * <pre>
 * java -cp bench/target/test-classes:bench/target/classes:$(cat bench/target/jmh-classpath.txt) \
 *   org.normbench.train.StepProfile bn 2,8 [warmup=5] [steps=20] [rounds=1]
 * </pre>
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) {
        String norm = args.length > 0 ? args[0] : "bn";
        int[] batches =
                Arrays.stream((args.length > 1 ? args[1] : "2,8").split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        if (Phases.TRACE != null && steps <= Phases.TRACED_STEPS) {
            throw new IllegalArgumentException(
                    "-Dprofile.trace needs steps > "
                            + Phases.TRACED_STEPS
                            + " (got "
                            + steps
                            + ")");
        }
        double width = Double.parseDouble(System.getProperty("profile.width", "1.0"));
        int image = Integer.getInteger("profile.image", 32);
        TorchRuntime.engine();
        for (int r = 0; r < rounds; r++) {
            for (int bs : batches) {
                Block model =
                        ResNet18.build(
                                ResNetConfig.cifar(norm, "relu")
                                        .withWidth(width)
                                        .withInput(3, image));
                Phases phases = new Phases(warmup);
                TrainConfig cfg =
                        TrainConfig.builder()
                                .batchSize(bs)
                                .maxSteps(warmup + steps)
                                .timerWarmupSteps(warmup)
                                .warmupFraction(0)
                                .statsEverySteps(0)
                                .seed(0)
                                .device(Device.cpu())
                                .divergenceLossBound(Double.MAX_VALUE)
                                .build();
                StandardCallbacks standard = StandardCallbacks.of(cfg);
                try (Learner l =
                        new Learner(
                                model,
                                cfg,
                                new Throughput.RandomImages(bs, new Shape(3, image, image), 10, 0),
                                null,
                                standard.with(phases))) {
                    l.fit();
                    System.out.println(
                            String.format(
                                    Locale.ROOT,
                                    "%s bs=%-3d step %.1f ms | %s",
                                    norm,
                                    bs,
                                    standard.timer().medianMs(),
                                    phases.summary()));
                }
            }
        }
    }

    /**
     * Stamps each event; runs after every other callback of the same event (order 99, timer is
     * 100).
     */
    static final class Phases implements Callback {
        private final int warmup;
        private long t0;
        private long tLoss;
        private long tBackward;
        private final List<double[]> rows = new ArrayList<>();

        /**
         * Thread CPU time with -Dprofile.cpu=true (robust on a loaded machine when torch runs 1
         * thread), else wall time.
         */
        private static long now() {
            return CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        }

        /**
         * -Dprofile.trace=/tmp/x writes libtorch's profiler trace of the first timed steps to
         * /tmp/x-bsN.json.
         */
        private static final String TRACE = System.getProperty("profile.trace");

        private static final int TRACED_STEPS = 3;
        private static final boolean CPU = Boolean.getBoolean("profile.cpu");
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        Phases(int warmup) {
            this.warmup = warmup;
        }

        @Override
        public int order() {
            return 99;
        }

        /**
         * The trace covers whole steps, from this event of the first timed step to this event of
         * the step after the last traced one: input, forward, loss, backward, update, the loss read
         * and whatever else the other callbacks do (count_ops.py divides by {@value
         * #TRACED_STEPS}).
         */
        @Override
        public void beforeBatch(Learner l) {
            if (TRACE != null && l.step() == warmup + 1) {
                JniUtils.startProfile(false, true, false);
            }
            if (TRACE != null && l.step() == warmup + TRACED_STEPS + 1) {
                JniUtils.stopProfile(TRACE + "-bs" + l.batchSize() + ".json");
            }
            t0 = now();
        }

        @Override
        public void afterLoss(Learner l) {
            tLoss = now();
        }

        @Override
        public void afterBackward(Learner l) {
            tBackward = now();
        }

        @Override
        public void afterStep(Learner l) {
            long t = now();
            if (l.step() > warmup) {
                rows.add(
                        new double[] {
                            (tLoss - t0) / 1e6,
                            (tBackward - tLoss) / 1e6,
                            (t - tBackward) / 1e6,
                            (t - t0) / 1e6
                        });
            }
        }

        String summary() {
            String[] names = {"input+forward+loss", "backward", "update", "total"};
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < names.length; k++) {
                final int kk = k;
                double[] v = rows.stream().mapToDouble(x -> x[kk]).sorted().toArray();
                sb.append(String.format(Locale.ROOT, "%s %.1f  ", names[k], v[v.length / 2]));
            }
            double[] total = rows.stream().mapToDouble(x -> x[3]).sorted().toArray();
            sb.append(String.format(Locale.ROOT, "total-p10 %.1f", total[total.length / 10]));
            return sb.toString();
        }
    }
}
