package org.normbench.train;

/**
 * Stops the fit when the loss is NaN, infinite or above a bound, and marks the result {@link
 * FitResult.Status#DIVERGED}, so a grid cell ends quickly with a clear status instead of training
 * on garbage. Runs right after the loss, before the backward pass.
 */
public final class DivergenceGuard implements Callback {
    private final double bound;

    public DivergenceGuard(double bound) {
        this.bound = bound;
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public void afterLoss(Learner l) {
        double loss = l.lossValue();
        if (!Double.isFinite(loss) || loss > bound) {
            String why =
                    "loss "
                            + loss
                            + " at step "
                            + l.step()
                            + (Double.isFinite(loss) ? " above bound " + bound : "");
            l.markDiverged(why);
            throw new CancelFitException(why);
        }
    }
}
