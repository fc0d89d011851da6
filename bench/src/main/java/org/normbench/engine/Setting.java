package org.normbench.engine;

import java.util.List;

/**
 * A switch read from a system property, else an environment variable, else its default (the first
 * allowed value). An unknown value is refused with the allowed values, naming where it came from,
 * so that {@code bench} and {@code doctor} can stop on it before anything runs.
 */
public record Setting(String property, String env, List<String> allowed) {

    public Setting {
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("a setting needs at least one allowed value");
        }
    }

    /** The value in effect; throws IllegalArgumentException for a value not in {@link #allowed}. */
    public String value() {
        String fromProperty = System.getProperty(property);
        String fromEnv = System.getenv(env);
        String value =
                fromProperty != null ? fromProperty : fromEnv != null ? fromEnv : allowed.get(0);
        if (!allowed.contains(value.trim())) {
            throw new IllegalArgumentException(
                    (fromProperty != null ? "-D" + property : env)
                            + "="
                            + value
                            + ": allowed values are "
                            + String.join(", ", allowed));
        }
        return value.trim();
    }
}
