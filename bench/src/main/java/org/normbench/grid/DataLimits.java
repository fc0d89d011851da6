package org.normbench.grid;

/**
 * Which part of the dataset a cell uses: at most {@code trainLimit} training and {@code testLimit}
 * test images (0 = all), and the share of the training images held out for validation. Not a
 * loader: the datasets module applies these.
 */
public record DataLimits(int trainLimit, int testLimit, double validationFraction) {

    public static final DataLimits DEFAULT = new DataLimits(0, 0, 0.0);

    public DataLimits {
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException(
                    "limits must be >= 0 (0 = all), got " + trainLimit + ", " + testLimit);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validationFraction must be in [0, 1), got " + validationFraction);
        }
    }
}
