package org.normbench.grid;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The names a grid may use and the checks for their options, supplied by the caller (the CLI fills
 * it from the model registry and the datasets module) so that grid code has no compile dependency
 * on models or datasets. Not a registry: it only answers "is this allowed?".
 *
 * @param normOptionsProblem (norm name, options) to a problem sentence, or empty when the options
 *     are fine
 * @param activationOptionsProblem the same for activations
 * @param normsNeedingTwoSamples norms that cannot train on a batch of one sample (they normalise
 *     with batch statistics); a train section may not pair them with batch size 1. The model
 *     registry knows them ({@code !norm.supportsBatchOfOne(true)})
 * @param datasetSizes images per split of each dataset, so a train section's batch sizes, limits
 *     and budget are checked against the data before anything runs; a dataset missing here is not
 *     checked
 * @param probeNames the model's hook points in depth order ({@code stem}, {@code layer1.0}, ...),
 *     so {@code hooks.layers} patterns are checked before anything runs; empty = not checked
 * @param aliases other spellings of allowed names (PyTorch's {@code GroupNorm2d}, timm's {@code
 *     groupnorm}) to the name, from each norm's and activation's own {@code aliases()}, so an
 *     unknown name gets "did you mean 'gn'?"; a spelling is keyed by {@link #spellingKey}
 */
public record GridVocabulary(
        Set<String> norms,
        Set<String> activations,
        Set<String> datasets,
        BiFunction<String, Map<String, String>, Optional<String>> normOptionsProblem,
        BiFunction<String, Map<String, String>, Optional<String>> activationOptionsProblem,
        Set<String> normsNeedingTwoSamples,
        Map<String, DatasetSize> datasetSizes,
        List<String> probeNames,
        Map<String, String> aliases) {

    /** The images in a dataset's full training and test splits, before any limit. */
    public record DatasetSize(int trainImages, int testImages) {}

    public GridVocabulary {
        norms = Set.copyOf(norms);
        activations = Set.copyOf(activations);
        datasets = Set.copyOf(datasets);
        normsNeedingTwoSamples = Set.copyOf(normsNeedingTwoSamples);
        datasetSizes = Map.copyOf(datasetSizes);
        probeNames = List.copyOf(probeNames);
        Map<String, String> keyed = new HashMap<>();
        aliases.forEach((spelling, name) -> keyed.put(spellingKey(spelling), name));
        aliases = Map.copyOf(keyed);
        if (normOptionsProblem == null || activationOptionsProblem == null) {
            throw new IllegalArgumentException(
                    "option validators are required; use (name, options) -> Optional.empty() to accept all");
        }
        if (!norms.containsAll(normsNeedingTwoSamples)) {
            Set<String> unknown = new TreeSet<>(normsNeedingTwoSamples);
            unknown.removeAll(norms);
            throw new IllegalArgumentException(
                    "normsNeedingTwoSamples names norms not in the vocabulary: " + unknown);
        }
    }

    /**
     * A vocabulary that knows no dataset sizes, probe names or aliases (those checks and
     * suggestions are skipped).
     */
    public GridVocabulary(
            Set<String> norms,
            Set<String> activations,
            Set<String> datasets,
            BiFunction<String, Map<String, String>, Optional<String>> normOptionsProblem,
            BiFunction<String, Map<String, String>, Optional<String>> activationOptionsProblem,
            Set<String> normsNeedingTwoSamples) {
        this(
                norms,
                activations,
                datasets,
                normOptionsProblem,
                activationOptionsProblem,
                normsNeedingTwoSamples,
                Map.of(),
                List.of(),
                Map.of());
    }

    /**
     * A copy that checks batch sizes, limits and budgets against these dataset sizes and hook
     * patterns against these probes.
     */
    public GridVocabulary withModelAndData(Map<String, DatasetSize> sizes, List<String> probes) {
        return new GridVocabulary(
                norms,
                activations,
                datasets,
                normOptionsProblem,
                activationOptionsProblem,
                normsNeedingTwoSamples,
                sizes,
                probes,
                aliases);
    }

    /** A copy that suggests {@code name} for each of these spellings (spelling -> name). */
    public GridVocabulary withAliases(Map<String, String> spellings) {
        return new GridVocabulary(
                norms,
                activations,
                datasets,
                normOptionsProblem,
                activationOptionsProblem,
                normsNeedingTwoSamples,
                datasetSizes,
                probeNames,
                spellings);
    }

    /**
     * How a name is compared for suggestions: lower case, letters and digits only ({@code
     * Leaky-ReLU} -> {@code leakyrelu}).
     */
    static String spellingKey(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /**
     * The allowed name a user probably meant by {@code name}: the same spelling up to case and
     * punctuation ({@code Leaky-ReLU}), one of the {@link #aliases} ({@code groupnorm}), or the
     * only name one letter away from a name of five or more letters ({@code lekyrelu}). Short names
     * and names that differ in digits name other things ({@code gelu}, {@code cifar100}): no guess
     * for them.
     */
    Optional<String> suggestion(String name, Collection<String> allowed) {
        String key = spellingKey(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        boolean tie = false;
        for (String candidate : new TreeSet<>(allowed)) {
            String candidateKey = spellingKey(candidate);
            if (candidateKey.equals(key)) {
                return Optional.of(candidate);
            }
            if (key.replaceAll("[0-9]", "").equals(candidateKey.replaceAll("[0-9]", ""))) {
                continue;
            }
            int d = YamlReader.editDistance(key, candidateKey);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
                tie = false;
            } else if (d == bestDistance) {
                tie = true;
            }
        }
        String alias = aliases.get(key);
        if (alias != null && allowed.contains(alias)) {
            return Optional.of(alias);
        }
        return best != null && !tie && bestDistance == 1 && key.length() >= 5
                ? Optional.of(best)
                : Optional.empty();
    }
}
