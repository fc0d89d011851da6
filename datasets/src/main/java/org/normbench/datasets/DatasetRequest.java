package org.normbench.datasets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to load: dataset name, cache root, optional stratified limits on the train and test sets (0
 * = all), the share of the (limited) train set held out for validation, the seed for every random
 * choice, and whether batches will be fitted to ResNet18's CIFAR stem (which changes the recorded
 * channel statistics). Immutable; the {@code with...} methods return changed copies.
 */
public record DatasetRequest(
        String name,
        Path cacheDir,
        int trainLimit,
        int testLimit,
        double validationFraction,
        long seed,
        boolean fitCifarStem) {

    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

    public DatasetRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cacheDir, "cacheDir");
        if (trainLimit < 0) {
            throw new IllegalArgumentException(
                    "trainLimit must be >= 0 (0 = all), got " + trainLimit);
        }
        if (testLimit < 0) {
            throw new IllegalArgumentException(
                    "testLimit must be >= 0 (0 = all), got " + testLimit);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validationFraction must be in [0, 1), got " + validationFraction);
        }
    }

    /**
     * All images, 10% validation, seed 0, fitted to the CIFAR stem, cache {@link
     * DatasetCache#defaultRoot()}.
     */
    public static DatasetRequest of(String name) {
        return new DatasetRequest(
                name, DatasetCache.defaultRoot(), 0, 0, DEFAULT_VALIDATION_FRACTION, 0L, true);
    }

    public DatasetRequest withCacheDir(Path dir) {
        return new DatasetRequest(
                name, dir, trainLimit, testLimit, validationFraction, seed, fitCifarStem);
    }

    public DatasetRequest withLimits(int train, int test) {
        return new DatasetRequest(
                name, cacheDir, train, test, validationFraction, seed, fitCifarStem);
    }

    public DatasetRequest withValidationFraction(double fraction) {
        return new DatasetRequest(
                name, cacheDir, trainLimit, testLimit, fraction, seed, fitCifarStem);
    }

    public DatasetRequest withSeed(long s) {
        return new DatasetRequest(
                name, cacheDir, trainLimit, testLimit, validationFraction, s, fitCifarStem);
    }

    public DatasetRequest withFitCifarStem(boolean fit) {
        return new DatasetRequest(
                name, cacheDir, trainLimit, testLimit, validationFraction, seed, fit);
    }
}
