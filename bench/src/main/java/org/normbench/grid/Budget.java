package org.normbench.grid;

/**
 * How long a cell trains: a number of epochs (fractional allowed) or a number of optimizer steps,
 * never both. Not a schedule: the learning-rate shape lives in {@link LrRule}.
 */
public record Budget(Unit unit, double amount) {

    public enum Unit {
        EPOCHS,
        STEPS
    }

    public Budget {
        if (unit == null) {
            throw new IllegalArgumentException("budget unit is required");
        }
        if (!(amount > 0) || Double.isInfinite(amount)) {
            throw new IllegalArgumentException(
                    "budget must be a positive finite amount, got " + amount);
        }
        if (unit == Unit.STEPS && amount != Math.rint(amount)) {
            throw new IllegalArgumentException("a step budget must be whole, got " + amount);
        }
    }

    public static Budget epochs(double epochs) {
        return new Budget(Unit.EPOCHS, epochs);
    }

    public static Budget steps(long steps) {
        return new Budget(Unit.STEPS, steps);
    }

    /**
     * Optimizer steps this budget amounts to when one epoch is {@code stepsPerEpoch} steps. An
     * epoch budget rounds to the nearest step and is at least one step, so {@code epochs: 0.001} on
     * a small subset still trains.
     */
    public long totalSteps(long stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("stepsPerEpoch must be >= 1, got " + stepsPerEpoch);
        }
        if (unit == Unit.STEPS) {
            return (long) amount;
        }
        return Math.max(1L, Math.round(amount * stepsPerEpoch));
    }

    /** As written in a grid file: {@code epochs=30} or {@code steps=500}. */
    @Override
    public String toString() {
        return unit == Unit.STEPS ? "steps=" + (long) amount : "epochs=" + amount;
    }
}
