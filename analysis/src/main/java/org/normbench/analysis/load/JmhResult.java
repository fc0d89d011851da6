package org.normbench.analysis.load;

import java.util.Map;

/**
 * One entry of a JMH {@code -rf json} file: the benchmark, its parameters and the primary metric.
 * {@code scoreError} is NaN when JMH could not compute it (one fork, one iteration).
 */
public record JmhResult(
        String file,
        String benchmark,
        Map<String, String> params,
        double score,
        double scoreError,
        String unit) {

    /** {@code Class.method} without the package, plus parameters, for axis labels. */
    public String label() {
        String[] parts = benchmark.split("\\.");
        String shortName =
                parts.length >= 2
                        ? parts[parts.length - 2] + "." + parts[parts.length - 1]
                        : benchmark;
        if (params.isEmpty()) {
            return shortName;
        }
        StringBuilder sb = new StringBuilder(shortName).append(" [");
        params.forEach(
                (k, v) ->
                        sb.append(sb.charAt(sb.length() - 1) == '[' ? "" : ", ")
                                .append(k)
                                .append('=')
                                .append(v));
        return sb.append(']').toString();
    }
}
