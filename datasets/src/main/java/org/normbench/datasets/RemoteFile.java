package org.normbench.datasets;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One file of a dataset as published: its name in the cache, the URLs it can be downloaded from
 * (tried in order), its size when known, and the digests accepted for it. More than one digest is
 * accepted only where a trusted second packaging of the same content exists (Debian's Fashion-MNIST
 * files are gzipped without the original file name, so their bytes differ from upstream's). Not a
 * download state.
 */
public record RemoteFile(String fileName, List<String> urls, long size, List<Digest> accepted) {

    public RemoteFile {
        Objects.requireNonNull(fileName, "fileName");
        if (fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("file name must be a plain name, got " + fileName);
        }
        urls = List.copyOf(urls);
        accepted = List.copyOf(accepted);
        if (accepted.isEmpty()) {
            throw new IllegalArgumentException(fileName + ": at least one digest is required");
        }
    }

    /**
     * A published digest: algorithm ({@code SHA-256} or {@code MD5}), lower-case hex, and who
     * published it.
     */
    public record Digest(String algorithm, String hex, String source) {
        public Digest {
            if (!algorithm.equals("SHA-256") && !algorithm.equals("MD5")) {
                throw new IllegalArgumentException(
                        "digest algorithm must be SHA-256 or MD5, got " + algorithm);
            }
            hex = hex.toLowerCase(Locale.ROOT);
            int len = algorithm.equals("SHA-256") ? 64 : 32;
            if (hex.length() != len || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                throw new IllegalArgumentException(
                        algorithm + " digest must be " + len + " hex digits, got " + hex);
            }
        }

        public static Digest sha256(String hex, String source) {
            return new Digest("SHA-256", hex, source);
        }
    }

    /** The published SHA-256 values, for messages. */
    public String describeAccepted() {
        StringBuilder sb = new StringBuilder();
        for (Digest d : accepted) {
            if (sb.length() > 0) {
                sb.append(" or ");
            }
            sb.append(d.algorithm())
                    .append(' ')
                    .append(d.hex())
                    .append(" (")
                    .append(d.source())
                    .append(')');
        }
        return sb.toString();
    }
}
