package org.normbench.train;

/**
 * Linear warm-up to the batch-size-scaled peak ({@link TrainConfig#lr()}) over {@code
 * warmupFraction} of the steps (step {@code s <= W} uses {@code peak * s / W}), then cosine decay:
 * the first step after warm-up uses the peak and the curve would reach 0 one step after the last
 * (Goyal et al.'s linear scaling with warm-up; cosine as in timm); with {@code schedule=constant}
 * the peak is kept after the warm-up. Sets {@link Learner#setLr} before each batch.
 */
public final class LrSchedule implements Callback {

    @Override
    public int order() {
        return 0;
    }

    @Override
    public void beforeBatch(Learner l) {
        double lr = at(l.step(), l.totalSteps(), l.config().lr(), l.config().warmupFraction());
        if ("constant".equals(l.config().schedule())
                && l.step() > Math.round(l.config().warmupFraction() * l.totalSteps())) {
            lr = l.config().lr();
        }
        l.setLr(lr);
    }

    /** Learning rate of 1-based {@code step} of {@code total}. */
    public static double at(int step, int total, double peak, double warmupFraction) {
        int warmup = (int) Math.round(warmupFraction * total);
        if (step <= warmup) {
            return peak * step / warmup;
        }
        double progress = (double) (step - warmup - 1) / Math.max(1, total - warmup);
        return peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }
}
