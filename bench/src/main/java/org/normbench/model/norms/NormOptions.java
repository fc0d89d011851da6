package org.normbench.model.norms;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.normbench.model.OptionKeys;

/**
 * Typed options of a norm, as a user writes them ({@code --norm-opt groups=16}, a grid file's
 * {@code norm_options}). Values are validated here for type and range; whether a value fits a layer
 * (groups dividing the channel count) is checked by the norm when it builds that layer. {@code
 * extra} carries the options of user norms that the built-in fields do not cover.
 *
 * @param groups GroupNorm groups; {@link #AUTO_GROUPS} means "32, or the largest divisor of the
 *     channel count below 32" (see {@link #resolveGroups})
 * @param eps added to the variance before the square root, &gt; 0
 * @param momentum running-statistics momentum in PyTorch's convention (new = (1-m) old + m batch),
 *     in (0, 1]
 * @param extra further key=value options for user norms, never null
 */
public record NormOptions(int groups, double eps, double momentum, Map<String, String> extra) {

    public static final String GROUPS = "groups";
    public static final String EPS = "eps";
    public static final String MOMENTUM = "momentum";
    public static final int AUTO_GROUPS = 0;
    public static final int DEFAULT_GROUPS = 32;
    public static final double DEFAULT_EPS = 1e-5;
    public static final double DEFAULT_MOMENTUM = 0.1;

    /** Defaults of every built-in norm: automatic groups, eps 1e-5, momentum 0.1. */
    public static final NormOptions DEFAULTS =
            new NormOptions(AUTO_GROUPS, DEFAULT_EPS, DEFAULT_MOMENTUM, Map.of());

    public NormOptions {
        if (groups < 0) {
            throw new IllegalArgumentException(
                    "option groups=" + groups + " must be >= 1 (or 0 for the default rule)");
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException(
                    "option eps=" + eps + " must be a finite number > 0");
        }
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException(
                    "option momentum="
                            + momentum
                            + " must be in (0, 1] (PyTorch convention, default 0.1)");
        }
        extra = Map.copyOf(extra == null ? Map.of() : extra);
    }

    public NormOptions withGroups(int g) {
        return new NormOptions(g, eps, momentum, extra);
    }

    public NormOptions withEps(double e) {
        return new NormOptions(groups, e, momentum, extra);
    }

    public NormOptions withMomentum(double m) {
        return new NormOptions(groups, eps, m, extra);
    }

    /**
     * Parses {@code key=value} options for norm {@code norm}. Keys the norm does not list in {@link
     * Norm#optionNames()} are rejected with the allowed keys; built-in keys are parsed to their
     * type; any other key the norm allows is kept as text in {@link #extra()}.
     *
     * @throws IllegalArgumentException e.g. {@code unknown option 'grups' for norm gn; allowed:
     *     eps, groups}
     */
    public static NormOptions parse(Norm norm, Map<String, String> options) {
        Set<String> allowed = new TreeSet<>(norm.optionNames());
        NormOptions o = DEFAULTS;
        Map<String, String> extra = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
            String key = OptionKeys.allowedKey(e.getKey(), allowed, "norm " + norm.name());
            String value = e.getValue() == null ? "" : e.getValue().trim();
            try {
                switch (key) {
                    case GROUPS:
                        int g = parseInt(norm, key, value);
                        if (g < 1) {
                            throw bad(norm, key, value, "an integer >= 1");
                        }
                        o = o.withGroups(g);
                        break;
                    case EPS:
                        o = o.withEps(parseDouble(norm, key, value));
                        break;
                    case MOMENTUM:
                        o = o.withMomentum(parseDouble(norm, key, value));
                        break;
                    default:
                        extra.put(key, value);
                }
            } catch (IllegalArgumentException ex) {
                if (ex.getMessage().startsWith("norm ")) {
                    throw ex;
                }
                throw new IllegalArgumentException(
                        "norm " + norm.name() + ": " + ex.getMessage(), ex);
            }
        }
        return new NormOptions(o.groups, o.eps, o.momentum, extra);
    }

    /**
     * Parses {@code key=value[,key=value...]} (also {@code ;} separated), as on the command line.
     */
    public static Map<String, String> parsePairs(String text) {
        Map<String, String> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split("[,;]")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "option '" + part.trim() + "' is not of the form key=value");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * GroupNorm's group count for a layer. Default rule ({@code groups=0}): 32 groups, or where the
     * channel count is below 32 or not divisible by 32, the largest divisor of it that is below 32
     * (16 channels: 16 groups; 48 channels: 24 groups). An explicit {@code groups} must divide the
     * channel count: no silent change of what the user asked for.
     */
    public int resolveGroups(String normName, int channels) {
        if (groups == AUTO_GROUPS) {
            int g = Math.min(DEFAULT_GROUPS, channels);
            while (channels % g != 0) {
                g--;
            }
            return g;
        }
        if (groups > channels || channels % groups != 0) {
            throw new IllegalArgumentException(
                    "norm "
                            + normName
                            + ": option groups="
                            + groups
                            + " does not divide "
                            + channels
                            + " channels; use a divisor of every layer's channel count (e.g. 1, 2, 4, 8, 16, 32 at"
                            + " width 1) or omit groups for the default rule (32, reduced to a divisor)");
        }
        return groups;
    }

    /**
     * {@code key=value;...} of the options that differ from the defaults (empty when all default).
     */
    public String toCompactString() {
        StringBuilder sb = new StringBuilder();
        if (groups != AUTO_GROUPS) {
            sb.append("groups=").append(groups).append(';');
        }
        if (eps != DEFAULT_EPS) {
            sb.append("eps=").append(eps).append(';');
        }
        if (momentum != DEFAULT_MOMENTUM) {
            sb.append("momentum=").append(momentum).append(';');
        }
        new TreeMap<>(extra).forEach((k, v) -> sb.append(k).append('=').append(v).append(';'));
        return sb.length() == 0 ? "" : sb.substring(0, sb.length() - 1);
    }

    private static int parseInt(Norm norm, String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad(norm, key, value, "an integer >= 1");
        }
    }

    private static double parseDouble(Norm norm, String key, String value) {
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d)) {
                throw bad(norm, key, value, "a finite number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(norm, key, value, "a number such as 1e-5");
        }
    }

    private static IllegalArgumentException bad(
            Norm norm, String key, String value, String allowed) {
        return new IllegalArgumentException(
                "norm " + norm.name() + ": option " + key + "='" + value + "' is not " + allowed);
    }
}
