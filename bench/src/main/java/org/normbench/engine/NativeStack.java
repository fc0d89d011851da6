package org.normbench.engine;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The native stack this process actually loaded, for doctor and every run's manifest: the libtorch
 * version read from the loaded library's own install (not DJL's pinned string), the JNI and what it
 * was built for, and on a GPU the CUDA runtime, cuDNN, GPU name and driver. CPU-only values are
 * null. Reads the process's memory map, so call it after {@link TorchRuntime#engine()}.
 */
public final class NativeStack {
    private NativeStack() {}

    /** Keys in output order; values may be null. */
    public static Map<String, Object> describe(Engine engine) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Path> mapped = mappedFiles();
        Optional<Path> torchCpu =
                mapped.stream()
                        .filter(
                                p ->
                                        p.getFileName()
                                                .toString()
                                                .startsWith(LibtorchInstall.LIBTORCH_CPU))
                        .findFirst();
        Optional<Path> jni =
                mapped.stream()
                        .filter(p -> p.getFileName().toString().endsWith(JniCache.JNI_FILE))
                        .findFirst();
        LibtorchInstall loaded =
                torchCpu.map(p -> LibtorchInstall.probe(p.getParent(), null, "loaded"))
                        .orElse(null);
        m.put("libtorch", loaded == null ? null : loaded.version());
        m.put("libtorch_version_source", loaded == null ? null : loaded.versionSource());
        m.put("libtorch_dir", loaded == null ? null : loaded.realLibDir().toString());
        m.put("jni", jni.map(Path::toString).orElse(null));
        m.put("jni_built_for", jni.map(NativeStack::jniBuiltFor).orElse(null));
        int gpus = engine.getGpuCount();
        m.put("cuda_runtime", gpus > 0 ? cudaRuntime() : null);
        m.put("cudnn", gpus > 0 ? cudnn(mapped) : null);
        String[] gpu = gpus > 0 ? nvidiaSmiFirstGpu() : null;
        m.put("gpu_name", gpu == null ? null : gpu[0]);
        m.put("gpu_driver", gpu == null ? null : gpu[1]);
        return m;
    }

    /** "libtorch X (gpu-setup build)" for a cached build, else DJL's prebuilt JNI's version. */
    static String jniBuiltFor(Path jni) {
        Optional<JniCache.BuildInfo> info = JniCache.readBuild(jni.getParent());
        return info.map(i -> i.libtorchVersion() + " (normbench gpu-setup build)")
                .orElse(Versions.libtorchPinned() + " (DJL's prebuilt pytorch-jni)");
    }

    /** Real paths of the shared objects mapped into this process (Linux); empty elsewhere. */
    static List<Path> mappedFiles() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(l -> l.indexOf('/') >= 0 && l.contains(".so"))
                    .map(l -> l.substring(l.indexOf('/')).trim())
                    .distinct()
                    .map(Path::of)
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String cudaRuntime() {
        try {
            int v = CudaUtils.getCudaVersion();
            return (v / 1000) + "." + (v % 1000) / 10;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return null;
        }
    }

    /**
     * cuDNN's version from the loaded library's {@code cudnnGetVersion()}; "not loaded yet" before
     * the first conv.
     */
    static String cudnn(List<Path> mapped) {
        Optional<Path> lib =
                mapped.stream()
                        .filter(p -> p.getFileName().toString().matches("libcudnn\\.so(\\.\\d+)*"))
                        .findFirst();
        if (lib.isEmpty()) {
            return "not loaded yet";
        }
        try {
            long v =
                    NativeLibrary.getInstance(lib.get().toString())
                            .getFunction("cudnnGetVersion")
                            .invokeLong(new Object[0]);
            return v >= 90000
                    ? String.format(Locale.ROOT, "%d.%d.%d", v / 10000, (v % 10000) / 100, v % 100)
                    : String.format(Locale.ROOT, "%d.%d.%d", v / 1000, (v % 1000) / 100, v % 100);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return null;
        }
    }

    /** {name, driver} of GPU 0 from nvidia-smi, or null. */
    private static String[] nvidiaSmiFirstGpu() {
        String out =
                LibtorchInstall.run(
                        List.of(
                                "nvidia-smi",
                                "--query-gpu=name,driver_version",
                                "--format=csv,noheader"));
        if (out == null || out.isBlank()) {
            return null;
        }
        String[] parts = out.lines().findFirst().orElse("").split(",");
        return parts.length < 2 ? null : new String[] {parts[0].trim(), parts[1].trim()};
    }
}
