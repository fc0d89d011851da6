package org.normbench.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Versions and source revision of this build, for provenance (doctor output, run manifests). Not
 * for engine state: see {@link TorchRuntime} for what libtorch actually loaded.
 */
public final class Versions {
    private static final Properties BUILD = load();

    private Versions() {}

    public static String normbench() {
        return BUILD.getProperty("normbench.version", "unknown");
    }

    /** DJL version the build was compiled against. */
    public static String djl() {
        return BUILD.getProperty("djl.version", "unknown");
    }

    /** libtorch version the build pins (the native artifact on the classpath). */
    public static String libtorchPinned() {
        return BUILD.getProperty("libtorch.version", "unknown");
    }

    public static String java() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    /** Full commit hash of the working tree, or "unknown" outside a git checkout. */
    public static String gitCommit() {
        return git("rev-parse", "HEAD");
    }

    /** True when tracked files differ from the commit; null when unknown. */
    public static Boolean gitDirty() {
        String status = git("status", "--porcelain", "--untracked-files=no");
        if ("unknown".equals(status)) {
            return null;
        }
        return !status.isBlank();
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "unknown";
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in =
                Versions.class.getResourceAsStream("/org/normbench/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
