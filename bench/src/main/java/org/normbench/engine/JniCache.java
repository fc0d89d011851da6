package org.normbench.engine;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * normbench's own cache of DJL JNI builds, outside every PyTorch install: one directory per (DJL
 * version, libtorch release, flavour) holding {@code libdjl_torch.so}, a {@code build.properties}
 * that says what it was built against, and {@code lib/}, a directory of symbolic links to the
 * libtorch's libraries plus the JNI (DJL 0.36 loads {@code libdjl_torch.so} from the libtorch
 * directory first). {@code selected.properties} names the libtorch {@code gpu-setup} chose last;
 * {@link TorchRuntime} loads it when {@code PYTORCH_LIBRARY_PATH} is not set.
 */
public final class JniCache {
    public static final String CACHE_ENV = "NORMBENCH_CACHE";
    public static final String BUILD_FILE = "build.properties";
    public static final String JNI_FILE = System.mapLibraryName("djl_torch");
    static final String SELECTED_FILE = "selected.properties";

    private JniCache() {}

    /**
     * {@code $NORMBENCH_CACHE}, else {@code $XDG_CACHE_HOME/normbench}, else {@code
     * ~/.cache/normbench}.
     */
    public static Path root(Map<String, String> env) {
        String explicit = env.get(CACHE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base =
                xdg != null && !xdg.isBlank()
                        ? Path.of(xdg)
                        : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("normbench").toAbsolutePath().normalize();
    }

    /** The cache key's directory: {@code <root>/jni/djl-<djl>/libtorch-<release>-<flavour>}. */
    public static Path keyDir(Path root, String djlVersion, String release, String flavor) {
        return root.resolve("jni")
                .resolve("djl-" + djlVersion)
                .resolve("libtorch-" + release + "-" + flavor);
    }

    /** What a cached JNI was built against, read from the {@code build.properties} next to it. */
    public record BuildInfo(
            String libtorchVersion, String flavor, String djlVersion, Path libtorchDir) {
        public String release() {
            return LibtorchVersions.release(libtorchVersion);
        }
    }

    /**
     * The build info for the JNI DJL would load from {@code libDir} (its {@code libdjl_torch.so},
     * followed through a link into this cache), or empty when there is no JNI there or it was not
     * built by gpu-setup.
     */
    public static Optional<BuildInfo> jniIn(Path libDir) {
        for (String name : new String[] {Versions.djl() + "-" + JNI_FILE, JNI_FILE}) {
            Path jni = libDir.resolve(name);
            if (Files.exists(jni)) {
                try {
                    return readBuild(jni.toRealPath().getParent());
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** True when {@code libDir} holds a JNI for DJL to load (rather than DJL's prebuilt one). */
    public static boolean hasJni(Path libDir) {
        return Files.exists(libDir.resolve(Versions.djl() + "-" + JNI_FILE))
                || Files.exists(libDir.resolve(JNI_FILE));
    }

    public static Optional<BuildInfo> readBuild(Path keyDir) {
        Optional<Properties> p = load(keyDir.resolve(BUILD_FILE));
        return p.map(
                props ->
                        new BuildInfo(
                                props.getProperty("libtorch.version"),
                                props.getProperty("flavor"),
                                props.getProperty("djl.version"),
                                Path.of(props.getProperty("libtorch.dir", "/"))));
    }

    /**
     * The libtorch gpu-setup selected: the directory DJL should load and the version/flavour to
     * tell it.
     */
    public record Selection(Path libraryDir, String version, String flavor, Path sourceDir) {}

    public static Optional<Selection> selected(Path root) {
        return load(root.resolve("jni").resolve(SELECTED_FILE))
                .map(
                        p ->
                                new Selection(
                                        Path.of(p.getProperty("library_dir")),
                                        p.getProperty("libtorch.version"),
                                        p.getProperty("flavor"),
                                        Path.of(p.getProperty("source_dir"))));
    }

    public static void select(Path root, Selection s) {
        Properties p = new Properties();
        p.setProperty("library_dir", s.libraryDir().toString());
        p.setProperty("libtorch.version", s.version());
        p.setProperty("flavor", s.flavor());
        p.setProperty("source_dir", s.sourceDir().toString());
        store(
                root.resolve("jni").resolve(SELECTED_FILE),
                p,
                "libtorch selected by normbench gpu-setup; remove with gpu-setup --reset");
    }

    /** Forgets the selection (the cached builds stay); true when there was one. */
    public static boolean unselect(Path root) {
        try {
            return Files.deleteIfExists(root.resolve("jni").resolve(SELECTED_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<Properties> load(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    static void store(Path file, Properties p, String comment) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp =
                    Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, comment);
            }
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
