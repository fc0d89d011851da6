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

/**
 * The one place that loads libtorch. It forces DJL's offline switch (natives come from the
 * {@code pytorch-native-cpu} Maven artifact or from {@code PYTORCH_LIBRARY_PATH}, never from a
 * run-time download) and turns a missing-natives failure into a message that says what to do.
 */
public final class TorchRuntime {
    public static final String ENGINE_NAME = "PyTorch";

    /** Set to {@code true} to let DJL download libtorch (for example the CUDA flavour on a GPU box). */
    public static final String ALLOW_DOWNLOAD_ENV = "NORMBENCH_ALLOW_LIBTORCH_DOWNLOAD";

    private static volatile Engine engine;

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
        configureLibraryOverride(System.getenv("PYTORCH_LIBRARY_PATH"));
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
            throw new IllegalStateException(missingNativesMessage(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * DJL reads {@code PYTORCH_VERSION}/{@code PYTORCH_FLAVOR} to pick the JNI glue for a libtorch
     * found via {@code PYTORCH_LIBRARY_PATH}, and defaults the flavour to {@code cpu-precxx11}, which
     * pytorch-jni 2.7.1 does not ship, so it would try to download one. We fill both in (as system
     * properties, which DJL also reads) from the directory itself unless the user set them.
     */
    static void configureLibraryOverride(String libraryPath) {
        if (libraryPath == null || libraryPath.isBlank()) {
            return;
        }
        if (System.getenv("PYTORCH_VERSION") == null && System.getProperty("PYTORCH_VERSION") == null) {
            System.setProperty("PYTORCH_VERSION", Versions.libtorchPinned());
        }
        if (System.getenv("PYTORCH_FLAVOR") == null && System.getProperty("PYTORCH_FLAVOR") == null) {
            System.setProperty("PYTORCH_FLAVOR", inferFlavor(Path.of(libraryPath.split(File.pathSeparator)[0])));
        }
    }

    /** {@code cu128} when the libtorch directory holds CUDA libraries, else {@code cpu}. */
    static String inferFlavor(Path libDir) {
        return Files.exists(libDir.resolve(System.mapLibraryName("torch_cuda"))) ? "cu128" : "cpu";
    }

    static String missingNativesMessage(String cause) {
        return "could not load libtorch (" + cause + ").\n"
                + "  normbench loads libtorch offline from the Maven artifact"
                + " ai.djl.pytorch:pytorch-native-cpu:" + Versions.libtorchPinned() + " (classifier of this OS/CPU).\n"
                + "  Fix one of:\n"
                + "   - run through the build: `make build` then `make doctor` (the launcher puts bench/target/lib on the classpath);\n"
                + "   - point at an unpacked libtorch " + Versions.libtorchPinned()
                + ": export PYTORCH_LIBRARY_PATH=/path/to/libtorch/lib PYTORCH_VERSION=" + Versions.libtorchPinned()
                + " PYTORCH_FLAVOR=cpu (or cu128);\n"
                + "   - on a machine with internet, allow DJL's download: export " + ALLOW_DOWNLOAD_ENV + "=true.\n"
                + "  DJL also needs a writable cache: DJL_CACHE_DIR (default ~/.djl.ai).";
    }

    public static int gpuCount() {
        return engine().getGpuCount();
    }

    /** Resolves a user's device request against the GPUs libtorch sees. */
    public static Device device(DeviceSpec spec) {
        DeviceSpec resolved = spec.resolve(gpuCount());
        return resolved.kind() == DeviceSpec.Kind.CPU ? Device.cpu() : Device.gpu(resolved.gpuIndex());
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
                NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
                NDArray loss = y.square().sum();
                gc.backward(loss);
            }
            NDArray g = w.getGradient();
            if (!g.getShape().equals(w.getShape()) || g.getDataType() != DataType.FLOAT32) {
                throw new IllegalStateException("unexpected gradient " + g.getShape() + " " + g.getDataType());
            }
            double ss = g.square().sum().toType(DataType.FLOAT64, false).getDouble();
            if (!Double.isFinite(ss) || ss <= 0) {
                throw new IllegalStateException("conv backward on " + device + " gave a non-finite or zero gradient: " + ss);
            }
            return ss;
        }
    }
}
