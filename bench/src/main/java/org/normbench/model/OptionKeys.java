package org.normbench.model;

import java.util.Locale;
import java.util.Set;

/**
 * The key check that norm and activation options share: a key matches trimmed and in lower case,
 * and one its norm or activation does not list is refused with the keys it does.
 */
public final class OptionKeys {
    private OptionKeys() {}

    /**
     * {@code raw} as a key of {@code allowed}.
     *
     * @param owner what the options are for, as the message names it, e.g. {@code norm gn}
     * @throws IllegalArgumentException e.g. {@code unknown option 'grups' for norm gn; allowed:
     *     eps, groups}
     */
    public static String allowedKey(String raw, Set<String> allowed, String owner) {
        String key = raw.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(key)) {
            throw new IllegalArgumentException(
                    "unknown option '"
                            + raw
                            + "' for "
                            + owner
                            + "; allowed: "
                            + (allowed.isEmpty() ? "(none)" : String.join(", ", allowed)));
        }
        return key;
    }
}
