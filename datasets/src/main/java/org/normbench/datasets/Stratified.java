package org.normbench.datasets;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded, class-stratified selection of image indices: subsets of a given size and train/validation
 * splits keep each class's share (largest-remainder rounding, so totals are exact). Results are
 * sorted ascending, so they depend only on the labels and the seed. Not a shuffler for training
 * order.
 */
public final class Stratified {

    private Stratified() {}

    /** A split into two disjoint index sets that together cover every image. */
    public record Split(int[] kept, int[] heldOut) {}

    /**
     * {@code limit} indices drawn without replacement, each class contributing in proportion to its
     * count. {@code limit <= 0} or {@code limit >= labels.length} returns every index.
     */
    public static int[] sample(int[] labels, int numClasses, int limit, long seed) {
        if (limit <= 0 || limit >= labels.length) {
            int[] all = new int[labels.length];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return split(labels, numClasses, (double) limit / labels.length, limit, seed).heldOut();
    }

    /**
     * Holds out {@code round(fraction * n)} images for validation, stratified by class; returns
     * (train indices, validation indices).
     */
    public static Split split(int[] labels, int numClasses, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in [0, 1), got " + fraction);
        }
        return split(
                labels, numClasses, fraction, (int) Math.round(fraction * labels.length), seed);
    }

    private static Split split(
            int[] labels, int numClasses, double fraction, int total, long seed) {
        int[][] byClass = indicesByClass(labels, numClasses);
        int[] take = apportion(byClass, fraction, total);
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] held = new boolean[labels.length];
        for (int c = 0; c < numClasses; c++) {
            int[] idx = byClass[c];
            // partial Fisher-Yates: the first take[c] positions become a uniform sample of the
            // class
            for (int j = 0; j < take[c]; j++) {
                int r = j + rng.nextInt(idx.length - j);
                int t = idx[j];
                idx[j] = idx[r];
                idx[r] = t;
                held[idx[j]] = true;
            }
        }
        int[] heldOut = new int[total];
        int[] kept = new int[labels.length - total];
        int h = 0;
        int k = 0;
        for (int i = 0; i < labels.length; i++) {
            if (held[i]) {
                heldOut[h++] = i;
            } else {
                kept[k++] = i;
            }
        }
        return new Split(kept, heldOut);
    }

    private static int[][] indicesByClass(int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "label of image "
                                + i
                                + " is "
                                + labels[i]
                                + ", allowed 0.."
                                + (numClasses - 1));
            }
            counts[labels[i]]++;
        }
        int[][] byClass = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        return byClass;
    }

    /**
     * Largest-remainder apportionment of {@code total} over classes by their size times fraction.
     */
    private static int[] apportion(int[][] byClass, double fraction, int total) {
        int n = byClass.length;
        int[] take = new int[n];
        double[] remainder = new double[n];
        int sum = 0;
        for (int c = 0; c < n; c++) {
            double exact = byClass[c].length * fraction;
            take[c] = (int) Math.floor(exact);
            remainder[c] = exact - take[c];
            sum += take[c];
        }
        while (sum < total) {
            int best = -1;
            for (int c = 0; c < n; c++) {
                if (take[c] < byClass[c].length && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            take[best]++;
            remainder[best] = -1;
            sum++;
        }
        return take;
    }
}
