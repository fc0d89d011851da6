package org.normbench.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that loads libtorch. It forces DJL's offline switch (natives come from the {@code
 * pytorch-native-cpu} Maven artifact or from {@code PYTORCH_LIBRARY_PATH}, never from a run-time
 * download) and turns a missing-natives failure into a message that says what to do.
 */
public final class TorchRuntime {
    public static final String ENGINE_NAME = "PyTorch";

    /**
     * Set to {@code true} to let DJL download libtorch (for example the CUDA flavour on a GPU box).
     */
    public static final String ALLOW_DOWNLOAD_ENV = "NORMBENCH_ALLOW_LIBTORCH_DOWNLOAD";

    /**
     * System property that makes normbench ignore gpu-setup's selection (the test suite sets it).
     */
    public static final String BUNDLED_SWITCH = "normbench.libtorch";

    static final String BUNDLED = "bundled";

    private static volatile Engine engine;
    private static volatile String origin;

    private TorchRuntime() {}

    /** Loads (once) and returns the PyTorch engine. */
    public static Engine engine() {
        Engine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (TorchRuntime.class) {
            if (engine == null) {
                engine = load();
            }
            return engine;
        }
    }

    private static Engine load() {
        boolean allowDownload = "true".equalsIgnoreCase(System.getenv(ALLOW_DOWNLOAD_ENV));
        if (!allowDownload && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Path libDir = chooseLibrary(System.getenv());
        origin =
                System.getenv("PYTORCH_LIBRARY_PATH") != null
                        ? "PYTORCH_LIBRARY_PATH=" + System.getenv("PYTORCH_LIBRARY_PATH")
                        : libDir != null
                                ? "gpu-setup's selection ("
                                        + JniCache.root(System.getenv()).resolve("jni")
                                        + ")"
                                : "bundled pytorch-native-cpu "
                                        + Versions.libtorchPinned()
                                        + " artifact";
        if (libDir != null) {
            checkJniMatches(libDir);
        }
        configureLibraryOverride(
                libDir == null ? System.getenv("PYTORCH_LIBRARY_PATH") : libDir.toString());
        ThreadSettings.applyBeforeEngineLoad();
        // Keep the engine single-tenant: tests and benchmarks expect PyTorch as the default.
        if (System.getProperty("ai.djl.default_engine") == null) {
            System.setProperty("ai.djl.default_engine", ENGINE_NAME);
        }
        try {
            Engine e = Engine.getEngine(ENGINE_NAME);
            if (e == null) {
                throw new IllegalStateException(missingNativesMessage("engine not registered"));
            }
            return e;
        } catch (EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
            throw new IllegalStateException(
                    missingNativesMessage(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * The libtorch directory DJL will load from, or null for the bundled CPU libtorch: the first
     * {@code PYTORCH_LIBRARY_PATH} entry holding libtorch, else the one {@code gpu-setup} selected
     * (handed to DJL as the system property {@code PYTORCH_LIBRARY_PATH}, which DJL reads when the
     * environment variable is unset) unless {@link #BUNDLED_SWITCH} asks for the bundled one.
     */
    static Path chooseLibrary(Map<String, String> env) {
        String override = env.get("PYTORCH_LIBRARY_PATH");
        if (override != null && !override.isBlank()) {
            for (String entry : override.split(File.pathSeparator)) {
                if (Files.exists(Path.of(entry).resolve(LibtorchInstall.LIBTORCH))) {
                    return Path.of(entry);
                }
            }
            return null;
        }
        if (BUNDLED.equals(System.getProperty(BUNDLED_SWITCH))
                || BUNDLED.equals(env.get("NORMBENCH_LIBTORCH"))) {
            return null;
        }
        Optional<JniCache.Selection> selected = JniCache.selected(JniCache.root(env));
        if (selected.isEmpty()) {
            return null;
        }
        Path dir = selected.get().libraryDir();
        if (!Files.exists(dir.resolve(LibtorchInstall.LIBTORCH))) {
            throw new IllegalStateException(
                    "gpu-setup selected the libtorch in "
                            + dir
                            + ", which is gone or incomplete.\n"
                            + "  Fix: run `make gpu-setup` again, or `normbench gpu-setup --reset` to go back to the bundled CPU libtorch "
                            + Versions.libtorchPinned()
                            + ".");
        }
        System.setProperty("PYTORCH_LIBRARY_PATH", dir.toString());
        setIfUnset("PYTORCH_VERSION", selected.get().version());
        setIfUnset("PYTORCH_FLAVOR", selected.get().flavor());
        if (Files.exists(dir.resolve("libcudart.so"))
                && System.getProperty("jna.library.path") == null) {
            System.setProperty("jna.library.path", dir.toString());
        }
        return dir;
    }

    private static void setIfUnset(String name, String value) {
        if (System.getenv(name) == null && System.getProperty(name) == null && value != null) {
            System.setProperty(name, value);
        }
    }

    /**
     * Refuses, before DJL loads anything, a libtorch whose release differs from the one the JNI DJL
     * would use was built for (DJL's prebuilt one: {@link Versions#libtorchPinned()}). Such a pair
     * fails to load or, worse, loads and fails deep inside the first op.
     */
    static void checkJniMatches(Path libDir) {
        LibtorchInstall actual = LibtorchInstall.probe(libDir, null, "PYTORCH_LIBRARY_PATH");
        String expected;
        String jniWhat;
        if (JniCache.hasJni(libDir)) {
            Optional<JniCache.BuildInfo> built = JniCache.jniIn(libDir);
            if (built.isEmpty()) {
                return;
            }
            expected = built.get().libtorchVersion();
            jniWhat = "the JNI in " + libDir + ", built by gpu-setup for libtorch " + expected;
        } else {
            String v =
                    System.getenv("PYTORCH_VERSION") != null
                            ? System.getenv("PYTORCH_VERSION")
                            : System.getProperty("PYTORCH_VERSION");
            expected = v != null ? v : Versions.libtorchPinned();
            jniWhat = "DJL's prebuilt JNI for libtorch " + expected;
        }
        if (actual.release() == null || LibtorchVersions.sameRelease(actual.version(), expected)) {
            return;
        }
        throw new IllegalStateException(mismatchMessage(actual, jniWhat));
    }

    static String mismatchMessage(LibtorchInstall actual, String jniWhat) {
        Path cached =
                JniCache.keyDir(
                                JniCache.root(System.getenv()),
                                Versions.djl(),
                                actual.release(),
                                actual.flavor())
                        .resolve("lib");
        String ready =
                Files.exists(cached.resolve(JniCache.JNI_FILE))
                        ? "   - gpu-setup already built it: unset PYTORCH_LIBRARY_PATH (normbench then loads the selected one) or export PYTORCH_LIBRARY_PATH="
                                + cached
                                + ";\n"
                        : "";
        return "libtorch/JNI version mismatch: the libtorch in "
                + actual.libDir()
                + " is "
                + actual.version()
                + " (from "
                + actual.versionSource()
                + "), but DJL would call it through "
                + jniWhat
                + ".\n"
                + "  A mismatched JNI fails to load or fails inside the first op (e.g. 'set_stride is not allowed on a Tensor created from .data').\n"
                + "  Fix one of:\n"
                + ready
                + "   - build the JNI for this libtorch: `make gpu-setup` (or `bin/normbench gpu-setup` in a bundle; docs/gpu.md);\n"
                + "   - use normbench's bundled CPU libtorch "
                + Versions.libtorchPinned()
                + ": unset PYTORCH_LIBRARY_PATH"
                + " (and `normbench gpu-setup --reset` if gpu-setup selected another).";
    }

    /**
     * DJL reads {@code PYTORCH_VERSION}/{@code PYTORCH_FLAVOR} to pick the JNI glue for a libtorch
     * found via {@code PYTORCH_LIBRARY_PATH}, and defaults the flavour to {@code cpu-precxx11},
     * which pytorch-jni 2.7.1 does not ship, so it would try to download one. We fill both in (as
     * system properties, which DJL also reads) from the directory itself unless the user set them.
     */
    static void configureLibraryOverride(String libraryPath) {
        if (libraryPath == null || libraryPath.isBlank()) {
            return;
        }
        Path dir = Path.of(libraryPath.split(File.pathSeparator)[0]);
        setIfUnset(
                "PYTORCH_VERSION",
                JniCache.jniIn(dir)
                        .map(JniCache.BuildInfo::release)
                        .orElse(Versions.libtorchPinned()));
        if (System.getenv("PYTORCH_FLAVOR") == null
                && System.getProperty("PYTORCH_FLAVOR") == null) {
            System.setProperty("PYTORCH_FLAVOR", inferFlavor(dir));
        }
    }

    /** {@code cu128} when the libtorch directory holds CUDA libraries, else {@code cpu}. */
    static String inferFlavor(Path libDir) {
        return Files.exists(libDir.resolve(System.mapLibraryName("torch_cuda"))) ? "cu128" : "cpu";
    }

    static String missingNativesMessage(String cause) {
        return "could not load libtorch ("
                + cause
                + ").\n"
                + "  normbench loads libtorch offline from the Maven artifact"
                + " ai.djl.pytorch:pytorch-native-cpu:"
                + Versions.libtorchPinned()
                + " (classifier of this OS/CPU).\n"
                + "  Fix one of:\n"
                + "   - use this machine's own torch/libtorch: `make gpu-setup` (or `bin/normbench gpu-setup` in a bundle without CPU natives; docs/gpu.md);\n"
                + "   - run through the build: `make build` then `make doctor` (the launcher puts bench/target/lib on the classpath);\n"
                + "   - point at an unpacked libtorch "
                + Versions.libtorchPinned()
                + ": export PYTORCH_LIBRARY_PATH=/path/to/libtorch/lib PYTORCH_VERSION="
                + Versions.libtorchPinned()
                + " PYTORCH_FLAVOR=cpu (or cu128);\n"
                + "   - on a machine with internet, allow DJL's download: export "
                + ALLOW_DOWNLOAD_ENV
                + "=true.\n"
                + "  DJL also needs a writable cache: DJL_CACHE_DIR (default ~/.djl.ai).";
    }

    /**
     * Where the loaded libtorch was chosen from: PYTORCH_LIBRARY_PATH, gpu-setup's selection, or
     * the bundled artifact.
     */
    public static String libraryOrigin() {
        engine();
        return origin;
    }

    public static int gpuCount() {
        return engine().getGpuCount();
    }

    /** Resolves a user's device request against the GPUs libtorch sees. */
    public static Device device(DeviceSpec spec) {
        DeviceSpec resolved = spec.resolve(gpuCount());
        return resolved.kind() == DeviceSpec.Kind.CPU
                ? Device.cpu()
                : Device.gpu(resolved.gpuIndex());
    }

    /**
     * Runs one tiny conv forward and backward on {@code device} and returns the gradient's sum of
     * squares (finite and positive when the device works).
     */
    public static double smokeConv(Device device) {
        Engine e = engine();
        try (NDManager manager = e.newBaseManager(device)) {
            NDArray x = manager.randomNormal(new Shape(2, 3, 8, 8));
            NDArray w = manager.randomNormal(new Shape(4, 3, 3, 3)).mul(0.1f);
            w.setRequiresGradient(true);
            try (GradientCollector gc = e.newGradientCollector()) {
                NDArray y =
                        Conv2d.conv2d(
                                        x,
                                        w,
                                        null,
                                        new Shape(1, 1),
                                        new Shape(1, 1),
                                        new Shape(1, 1),
                                        1)
                                .singletonOrThrow();
                NDArray loss = y.square().sum();
                gc.backward(loss);
            }
            NDArray g = w.getGradient();
            if (!g.getShape().equals(w.getShape()) || g.getDataType() != DataType.FLOAT32) {
                throw new IllegalStateException(
                        "unexpected gradient " + g.getShape() + " " + g.getDataType());
            }
            double ss = g.square().sum().toType(DataType.FLOAT64, false).getDouble();
            if (!Double.isFinite(ss) || ss <= 0) {
                throw new IllegalStateException(
                        "conv backward on "
                                + device
                                + " gave a non-finite or zero gradient: "
                                + ss);
            }
            return ss;
        }
    }
}
