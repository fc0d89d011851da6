package org.normbench.grid;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SortedMap;

/**
 * Stable, readable cell ids such as {@code train-gn-leaky_relu-bs8-w0.125-cpu-s0}. A norm or
 * activation with options gets a short hash of its sorted options ({@code gn.3f2a9c}), so two
 * {@code gn} entries with different groups stay distinct while ids without options stay short. The
 * id depends only on the cell's values, never on key order or position in the file.
 */
final class CellIds {

    private CellIds() {}

    static String of(
            CellKind kind,
            String norm,
            SortedMap<String, String> normOptions,
            String activation,
            SortedMap<String, String> activationOptions,
            int batchSize,
            double width,
            String device,
            long seed) {
        return kind.label()
                + "-"
                + withOptions(norm, normOptions)
                + "-"
                + withOptions(activation, activationOptions)
                + "-bs"
                + batchSize
                + "-w"
                + BigDecimal.valueOf(width).stripTrailingZeros().toPlainString()
                + "-"
                + device.replace(":", "")
                + "-s"
                + seed;
    }

    private static String withOptions(String name, SortedMap<String, String> options) {
        return options.isEmpty() ? name : name + "." + hash(CellSpec.optionsText(options));
    }

    /**
     * First 6 hex digits of SHA-256: short enough to read, and a collision is reported, never
     * silent.
     */
    static String hash(String text) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
