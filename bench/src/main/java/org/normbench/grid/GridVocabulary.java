package org.normbench.grid;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The names a grid may use and the checks for their options, supplied by the caller (the CLI
 * fills it from the model registry and the datasets module) so that grid code has no compile
 * dependency on models or datasets. Not a registry: it only answers "is this allowed?".
 *
 * @param normOptionsProblem (norm name, options) to a problem sentence, or empty when the options are fine
 * @param activationOptionsProblem the same for activations
 * @param normsNeedingTwoSamples norms that cannot train on a batch of one sample (they normalise
 *     with batch statistics); a train section may not pair them with batch size 1. The model
 *     registry knows them ({@code !norm.supportsBatchOfOne(true)}); the five-argument constructor
 *     assumes the built-in ones, {@link #BATCH_STATISTIC_NORMS}.
 */
public record GridVocabulary(
        Set<String> norms,
        Set<String> activations,
        Set<String> datasets,
        BiFunction<String, Map<String, String>, Optional<String>> normOptionsProblem,
        BiFunction<String, Map<String, String>, Optional<String>> activationOptionsProblem,
        Set<String> normsNeedingTwoSamples) {

    /**
     * BatchNorm's batch variance is zero at batch 1; RunningBatchNorm's momentum
     * {@code 1 - (1 - mom) / sqrt(bs - 1)} is undefined there.
     */
    public static final Set<String> BATCH_STATISTIC_NORMS = Set.of("bn", "rbn");

    public GridVocabulary {
        norms = Set.copyOf(norms);
        activations = Set.copyOf(activations);
        datasets = Set.copyOf(datasets);
        normsNeedingTwoSamples = Set.copyOf(normsNeedingTwoSamples);
        if (normOptionsProblem == null || activationOptionsProblem == null) {
            throw new IllegalArgumentException("option validators are required; use (name, options) -> Optional.empty() to accept all");
        }
        if (!norms.containsAll(normsNeedingTwoSamples)) {
            Set<String> unknown = new TreeSet<>(normsNeedingTwoSamples);
            unknown.removeAll(norms);
            throw new IllegalArgumentException("normsNeedingTwoSamples names norms not in the vocabulary: " + unknown);
        }
    }

    /** A vocabulary whose batch-statistic norms are the built-in {@code bn} and {@code rbn} (those of them present). */
    public GridVocabulary(Set<String> norms, Set<String> activations, Set<String> datasets,
            BiFunction<String, Map<String, String>, Optional<String>> normOptionsProblem,
            BiFunction<String, Map<String, String>, Optional<String>> activationOptionsProblem) {
        this(norms, activations, datasets, normOptionsProblem, activationOptionsProblem,
                intersection(BATCH_STATISTIC_NORMS, norms));
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.retainAll(b);
        return out;
    }
}
