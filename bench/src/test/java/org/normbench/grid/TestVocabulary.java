package org.normbench.grid;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fixed vocabulary grid tests parse against (bn gn ln rbn / relu leaky_relu / five datasets),
 * with small option checks in the spirit of the model registry's: gn takes {@code groups},
 * leaky_relu takes {@code negative_slope}, everything else takes no options. It knows which norms
 * need two samples, the PyTorch/timm aliases, the datasets' split sizes and ResNet18's probe names
 * (the registry's values, typed here so grid tests need no model code); {@code TestVocabularyTest}
 * checks they agree with the registry.
 */
final class TestVocabulary {

    static final GridVocabulary VOCABULARY =
            new GridVocabulary(
                            Set.of("bn", "gn", "ln", "rbn"),
                            Set.of("relu", "leaky_relu"),
                            Set.of(
                                    "fashion-mnist",
                                    "fashion-mnist-subset",
                                    "mnist",
                                    "cifar10",
                                    "imagenette-160"),
                            TestVocabulary::normOptionsProblem,
                            TestVocabulary::activationOptionsProblem,
                            Set.of("bn", "rbn"))
                    .withModelAndData(
                            Map.of(
                                    "fashion-mnist", new GridVocabulary.DatasetSize(60_000, 10_000),
                                    "fashion-mnist-subset",
                                            new GridVocabulary.DatasetSize(1_000, 200),
                                    "mnist", new GridVocabulary.DatasetSize(60_000, 10_000),
                                    "cifar10", new GridVocabulary.DatasetSize(50_000, 10_000),
                                    "imagenette-160", new GridVocabulary.DatasetSize(9_469, 3_925)),
                            List.of(
                                    "stem",
                                    "layer1.0",
                                    "layer1.1",
                                    "layer2.0",
                                    "layer2.1",
                                    "layer3.0",
                                    "layer3.1",
                                    "layer4.0",
                                    "layer4.1",
                                    "head"))
                    .withAliases(
                            Map.ofEntries(
                                    Map.entry("batchnorm", "bn"),
                                    Map.entry("batchnorm2d", "bn"),
                                    Map.entry("bn2d", "bn"),
                                    Map.entry("batch", "bn"),
                                    Map.entry("groupnorm", "gn"),
                                    Map.entry("groupnorm2d", "gn"),
                                    Map.entry("group", "gn"),
                                    Map.entry("layernorm", "ln"),
                                    Map.entry("layernorm2d", "ln"),
                                    Map.entry("layer", "ln"),
                                    Map.entry("runningbatchnorm", "rbn"),
                                    Map.entry("runningbn", "rbn"),
                                    Map.entry("running", "rbn"),
                                    Map.entry("leakyrelu", "leaky_relu"),
                                    Map.entry("lrelu", "leaky_relu"),
                                    Map.entry("leaky", "leaky_relu")));

    private TestVocabulary() {}

    private static Optional<String> normOptionsProblem(String norm, Map<String, String> options) {
        if (!norm.equals("gn")) {
            return noOptions(options);
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals("groups")) {
                return Optional.of("unknown option '" + e.getKey() + "'; allowed: groups");
            }
            if (!e.getValue().matches("[1-9][0-9]*")) {
                return Optional.of("groups must be an integer >= 1, got " + e.getValue());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> activationOptionsProblem(
            String activation, Map<String, String> options) {
        if (!activation.equals("leaky_relu")) {
            return noOptions(options);
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (!e.getKey().equals("negative_slope")) {
                return Optional.of("unknown option '" + e.getKey() + "'; allowed: negative_slope");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> noOptions(Map<String, String> options) {
        return options.isEmpty()
                ? Optional.empty()
                : Optional.of("takes no options, got " + String.join(", ", options.keySet()));
    }
}
