package org.normbench.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Digests of files on disk and the check of a file against a {@link RemoteFile}'s accepted digests.
 */
public final class Checksums {

    private Checksums() {}

    /** Hex digest of a whole file. */
    public static String digest(Path file, String algorithm) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest algorithm " + algorithm, e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(Path file) throws IOException {
        return digest(file, "SHA-256");
    }

    /** The accepted digest the file matches, if any. */
    public static Optional<RemoteFile.Digest> match(Path file, RemoteFile spec) throws IOException {
        Map<String, String> actual = actualDigests(file, spec);
        return spec.accepted().stream()
                .filter(d -> d.hex().equals(actual.get(d.algorithm())))
                .findFirst();
    }

    /** Each algorithm the spec uses, mapped to the file's digest under it. */
    public static Map<String, String> actualDigests(Path file, RemoteFile spec) throws IOException {
        Map<String, String> actual = new LinkedHashMap<>();
        for (RemoteFile.Digest d : spec.accepted()) {
            if (!actual.containsKey(d.algorithm())) {
                actual.put(d.algorithm(), digest(file, d.algorithm()));
            }
        }
        return actual;
    }
}
