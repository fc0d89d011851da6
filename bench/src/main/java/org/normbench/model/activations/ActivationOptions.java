package org.normbench.model.activations;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.normbench.model.OptionKeys;

/**
 * Typed options of an activation ({@code --act-opt negative_slope=0.1}); {@code extra} holds the
 * options of user activations as text.
 *
 * @param negativeSlope leaky ReLU's slope for x &lt; 0, finite and &gt;= 0 (default 0.01,
 *     PyTorch's)
 * @param extra further key=value options, never null
 */
public record ActivationOptions(double negativeSlope, Map<String, String> extra) {
    public static final String NEGATIVE_SLOPE = "negative_slope";
    public static final double DEFAULT_NEGATIVE_SLOPE = 0.01;
    public static final ActivationOptions DEFAULTS =
            new ActivationOptions(DEFAULT_NEGATIVE_SLOPE, Map.of());

    public ActivationOptions {
        if (!Double.isFinite(negativeSlope) || negativeSlope < 0) {
            throw new IllegalArgumentException(
                    "option negative_slope=" + negativeSlope + " must be a finite number >= 0");
        }
        extra = Map.copyOf(extra == null ? Map.of() : extra);
    }

    /**
     * Parses options for {@code act}; unknown keys are rejected listing the allowed ones.
     *
     * @throws IllegalArgumentException e.g. {@code unknown option 'slope' for activation
     *     leaky_relu; allowed: negative_slope}
     */
    public static ActivationOptions parse(Activation act, Map<String, String> options) {
        Set<String> allowed = new TreeSet<>(act.optionNames());
        double slope = DEFAULT_NEGATIVE_SLOPE;
        Map<String, String> extra = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
            String key = OptionKeys.allowedKey(e.getKey(), allowed, "activation " + act.name());
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (key.equals(NEGATIVE_SLOPE)) {
                try {
                    slope = Double.parseDouble(value);
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException(
                            "activation "
                                    + act.name()
                                    + ": option negative_slope='"
                                    + value
                                    + "' is not a number >= 0 such as 0.01",
                            ex);
                }
                if (!Double.isFinite(slope) || slope < 0) {
                    throw new IllegalArgumentException(
                            "activation "
                                    + act.name()
                                    + ": option negative_slope='"
                                    + value
                                    + "' is not a finite number >= 0");
                }
            } else {
                extra.put(key, value);
            }
        }
        return new ActivationOptions(slope, extra);
    }

    /** {@code key=value;...} of non-default options, empty when all default. */
    public String toCompactString() {
        StringBuilder sb = new StringBuilder();
        if (negativeSlope != DEFAULT_NEGATIVE_SLOPE) {
            sb.append(NEGATIVE_SLOPE).append('=').append(negativeSlope).append(';');
        }
        new TreeMap<>(extra).forEach((k, v) -> sb.append(k).append('=').append(v).append(';'));
        return sb.length() == 0 ? "" : sb.substring(0, sb.length() - 1);
    }
}
