package org.normbench.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Metrics: every step's training loss and learning rate, a {@link CurvePoint} every {@code
 * logEverySteps} steps and on the last step, and the validation result on the step it ran. The loss
 * is read in {@code afterLoss}, so a diverged step is recorded too. Not a writer: the results
 * module turns the curve into curves.csv.
 */
public final class Recorder implements Callback {
    /** Steps averaged for {@link #finalTrainLoss()}. */
    public static final int FINAL_WINDOW = 20;

    private final List<Double> losses = new ArrayList<>();
    private final List<Double> lrs = new ArrayList<>();
    private final List<CurvePoint> curve = new ArrayList<>();

    @Override
    public int order() {
        return 30;
    }

    @Override
    public void afterLoss(Learner l) {
        double loss = l.lossValue();
        losses.add(loss);
        lrs.add(l.lr());
        int every = l.config().logEverySteps();
        if (l.step() % every == 0 || l.step() == l.totalSteps() || !Double.isFinite(loss)) {
            curve.add(new CurvePoint(l.step(), l.epochProgress(), loss, l.lr(), null, null));
        }
    }

    @Override
    public void afterValidate(Learner l) {
        Evaluation e = l.lastValidation();
        int last = curve.size() - 1;
        if (last >= 0 && curve.get(last).step() == l.step()) {
            curve.set(last, curve.get(last).withValidation(e));
        } else if (!losses.isEmpty()) {
            curve.add(
                    new CurvePoint(
                            l.step(),
                            l.epochProgress(),
                            losses.get(losses.size() - 1),
                            lrs.get(lrs.size() - 1),
                            e.loss(),
                            e.accuracy()));
        }
    }

    /** Training loss of every step so far, in order (index 0 = step 1). */
    public List<Double> losses() {
        return List.copyOf(losses);
    }

    public List<CurvePoint> curve() {
        return List.copyOf(curve);
    }

    /** Mean loss of the last {@link #FINAL_WINDOW} steps; NaN before the first step. */
    public double finalTrainLoss() {
        if (losses.isEmpty()) {
            return Double.NaN;
        }
        int from = Math.max(0, losses.size() - FINAL_WINDOW);
        double sum = 0;
        for (int i = from; i < losses.size(); i++) {
            sum += losses.get(i);
        }
        return sum / (losses.size() - from);
    }
}
