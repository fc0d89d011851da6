package org.normbench.grid;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The names a grid may use and the checks for their options, supplied by the caller (the CLI
 * fills it from the model registry and the datasets module) so that grid code has no compile
 * dependency on models or datasets. Not a registry: it only answers "is this allowed?".
 *
 * @param normOptionsProblem (norm name, options) to a problem sentence, or empty when the options are fine
 * @param activationOptionsProblem the same for activations
 */
public record GridVocabulary(
        Set<String> norms,
        Set<String> activations,
        Set<String> datasets,
        BiFunction<String, Map<String, String>, Optional<String>> normOptionsProblem,
        BiFunction<String, Map<String, String>, Optional<String>> activationOptionsProblem) {

    public GridVocabulary {
        norms = Set.copyOf(norms);
        activations = Set.copyOf(activations);
        datasets = Set.copyOf(datasets);
        if (normOptionsProblem == null || activationOptionsProblem == null) {
            throw new IllegalArgumentException("option validators are required; use (name, options) -> Optional.empty() to accept all");
        }
    }
}
