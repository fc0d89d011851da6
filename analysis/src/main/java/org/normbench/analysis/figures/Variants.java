package org.normbench.analysis.figures;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Display order and names of norms and activations: the study's own first (bn, gn, ln, rbn; relu,
 * leaky_relu), any other name found in the results (a plug-in norm) after them alphabetically, so
 * every figure and table lists variants in the same order.
 *
 * <p>Why analysis names the built-ins at all: it reads stored results only and cannot ask bench's
 * registries (no DJL here), and the known names are used for display only, their order, long labels
 * and (in {@link Theme}) fixed colours. Every function here takes any name: an unknown norm is
 * listed after the known ones, labelled by its own name and given a colour of its own. Which norms
 * exist is decided by bench's {@code NormRegistry}, never here.
 */
public final class Variants {
    /** The study's norms in display order; {@link Theme} colours them by this position. */
    public static final List<String> STUDY_NORMS = List.of("bn", "gn", "ln", "rbn");

    /** The study's activations in display order. */
    public static final List<String> STUDY_ACTIVATIONS = List.of("relu", "leaky_relu");

    private Variants() {}

    public static List<String> orderNorms(Collection<String> norms) {
        return order(norms, STUDY_NORMS);
    }

    public static List<String> orderActivations(Collection<String> activations) {
        return order(activations, STUDY_ACTIVATIONS);
    }

    private static List<String> order(Collection<String> values, List<String> known) {
        List<String> out = new ArrayList<>(new TreeSet<>(values));
        out.sort(
                Comparator.comparingInt(
                                (String v) ->
                                        known.indexOf(v) < 0 ? known.size() : known.indexOf(v))
                        .thenComparing(Comparator.naturalOrder()));
        return out;
    }

    public static String activationLabel(String activation) {
        return switch (activation) {
            case "relu" -> "ReLU";
            case "leaky_relu" -> "LeakyReLU";
            default -> activation;
        };
    }

    public static String normLabel(String norm) {
        return switch (norm) {
            case "bn" -> "BatchNorm";
            case "gn" -> "GroupNorm";
            case "ln" -> "LayerNorm";
            case "rbn" -> "RunningBatchNorm";
            default -> norm;
        };
    }

    public static String variantLabel(String norm, String activation) {
        return normLabel(norm) + " + " + activationLabel(activation);
    }

    /** Compact label for crowded panel titles: {@code RBN + LeakyReLU}. */
    public static String shortVariantLabel(String norm, String activation) {
        return norm.toUpperCase(Locale.ROOT) + " + " + activationLabel(activation);
    }

    /**
     * Tick label for an axis drawn in log2(batch size): the batch size at integer ticks, blank
     * between.
     */
    public static String log2Tick(double x) {
        long rounded = Math.round(x);
        return Math.abs(x - rounded) < 1e-9 && rounded >= 0 && rounded < 31
                ? Long.toString(1L << rounded)
                : "";
    }
}
