package org.normbench.harness;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.normbench.datasets.DatasetRegistry;
import org.normbench.datasets.DatasetSpec;
import org.normbench.grid.GridVocabulary;
import org.normbench.model.ResNet18;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.Norm;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;

/**
 * The grid vocabulary of this installation: every norm and activation the registries know
 * (built-ins and ServiceLoader plug-ins) and every dataset of the datasets registry, with the
 * model's own option parsers as validators, so a grid is checked by the same code that builds it;
 * plus each dataset's split sizes and ResNet18's probe names, so batch sizes, limits and hook
 * patterns are checked before training, and each norm's and activation's aliases for "did you mean"
 * suggestions.
 */
public final class RegistryVocabulary {
    private RegistryVocabulary() {}

    public static GridVocabulary current() {
        Set<String> norms = new LinkedHashSet<>(NormRegistry.names());
        Set<String> acts = new LinkedHashSet<>(ActivationRegistry.names());
        Set<String> datasets = new LinkedHashSet<>();
        Map<String, GridVocabulary.DatasetSize> sizes = new LinkedHashMap<>();
        for (DatasetSpec d : DatasetRegistry.all()) {
            datasets.add(d.name());
            sizes.put(d.name(), new GridVocabulary.DatasetSize(d.trainCount(), d.testCount()));
        }
        Set<String> needTwo = new LinkedHashSet<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        for (String n : norms) {
            Norm norm = NormRegistry.get(n);
            if (!norm.supportsBatchOfOne(true)) {
                needTwo.add(n);
            }
            norm.aliases().forEach(a -> aliases.put(a, n));
        }
        for (String a : acts) {
            ActivationRegistry.get(a).aliases().forEach(alias -> aliases.put(alias, a));
        }
        return new GridVocabulary(
                norms,
                acts,
                datasets,
                (name, options) ->
                        problem(() -> NormOptions.parse(NormRegistry.get(name), options)),
                (name, options) ->
                        problem(
                                () ->
                                        ActivationOptions.parse(
                                                ActivationRegistry.get(name), options)),
                needTwo,
                sizes,
                ResNet18.PROBE_NAMES,
                aliases);
    }

    private static Optional<String> problem(Runnable parse) {
        try {
            parse.run();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The parsed norm options of a cell (already validated by the grid parser). */
    public static NormOptions normOptions(String norm, Map<String, String> options) {
        Norm n = NormRegistry.get(norm);
        return NormOptions.parse(n, options);
    }
}
