package org.normbench.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.normbench.engine.JniBuild;
import org.normbench.engine.JniCache;
import org.normbench.engine.LibtorchInstall;
import org.normbench.engine.LibtorchVersions;
import org.normbench.engine.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code normbench gpu-setup}: makes the machine's own libtorch (a pip torch, a libtorch zip,
 * Debian's libtorch-dev) usable by normbench, building DJL's JNI against it when its version is not
 * the one the shipped JNI was built for, then runs doctor on it. The orchestration only; the steps
 * live in {@code org.normbench.engine} ({@link LibtorchInstall}, {@link JniBuild}, {@link
 * JniCache}).
 */
@Command(
        name = "gpu-setup",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Use this machine's own libtorch (e.g. the torch in your python3) instead of the bundled CPU one.",
            "Finds it (PYTORCH_LIBRARY_PATH, else the first python3 whose torch imports, else a system libtorch),",
            "builds DJL's JNI against it when its version is not the prebuilt JNI's, caches the result per",
            "(libtorch version, flavour, DJL version) under $NORMBENCH_CACHE (default ~/.cache/normbench), selects it,",
            "and runs doctor. Never writes into the PyTorch install. DJL's sources: $DJL_SRC, else a git clone.",
            "Exit code: doctor's (0 when every device works), 1 when set-up failed."
        })
public final class GpuSetupCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--libtorch",
            paramLabel = "DIR",
            description = "Use the libtorch whose libraries are in DIR instead of searching.")
    Path libtorch;

    @Option(
            names = "--rebuild",
            description = "Build the JNI even when a cached build or the prebuilt one would do.")
    boolean rebuild;

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description = "Compile N files at a time (default: the number of CPUs).")
    Integer jobs;

    @Option(names = "--no-doctor", description = "Do not run doctor at the end.")
    boolean noDoctor;

    @Option(
            names = "--reset",
            description =
                    "Forget the selection: normbench goes back to its bundled CPU libtorch (cached builds stay).")
    boolean reset;

    /** The environment; tests replace it to run set-up against a chosen libtorch and cache. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = JniCache.root(env);
        if (reset) {
            boolean had = JniCache.unselect(root);
            out.println(
                    had
                            ? "gpu-setup: selection removed; normbench uses its bundled CPU libtorch "
                                    + Versions.libtorchPinned()
                            : "gpu-setup: nothing was selected; normbench uses its bundled CPU libtorch "
                                    + Versions.libtorchPinned());
            return 0;
        }
        try {
            LibtorchInstall install = find(out);
            out.println("found " + install.describe());
            Path keyDir =
                    JniCache.keyDir(root, Versions.djl(), install.release(), install.flavor());
            JniBuild.refuseInsideInstall(keyDir, install);
            boolean build = rebuild || !prebuiltFits(install);
            if (!build) {
                out.println(
                        "the prebuilt JNI (libtorch "
                                + Versions.libtorchPinned()
                                + ", cpu) fits: nothing to build");
            } else if (cachedBuildFits(keyDir, install)) {
                out.println("cached JNI build: " + keyDir.resolve(JniCache.JNI_FILE));
            } else {
                out.println(
                        "building DJL "
                                + Versions.djl()
                                + "'s JNI for libtorch "
                                + install.version()
                                + " (a few minutes on 2 cores, under a minute on 16) into "
                                + keyDir);
                out.flush();
                Path src =
                        JniBuild.sources(
                                env.get(JniBuild.DJL_SRC_ENV),
                                root,
                                env.getOrDefault("NORMBENCH_DJL_GIT", JniBuild.DJL_GIT_URL),
                                out);
                Files.createDirectories(keyDir);
                JniBuild.build(
                        install,
                        src,
                        keyDir,
                        jobs != null ? jobs : Runtime.getRuntime().availableProcessors(),
                        env,
                        out);
            }
            Path lib = JniBuild.linkDir(install, keyDir, build);
            JniCache.select(
                    root,
                    new JniCache.Selection(
                            lib,
                            build ? install.release() : Versions.libtorchPinned(),
                            install.flavor(),
                            install.libDir()));
            out.println(
                    "selected: normbench now loads "
                            + lib
                            + " (recorded in "
                            + root.resolve("jni")
                            + "; undo with `normbench gpu-setup --reset`)");
            String override = env.get("PYTORCH_LIBRARY_PATH");
            if (override != null
                    && !override.isBlank()
                    && !Path.of(override).toAbsolutePath().normalize().equals(lib)) {
                out.println(
                        "note: PYTORCH_LIBRARY_PATH is set and wins over the selection; `unset PYTORCH_LIBRARY_PATH` (or export PYTORCH_LIBRARY_PATH="
                                + lib
                                + ") before running normbench.");
            }
        } catch (JniBuild.SetupException e) {
            err.println("gpu-setup: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("gpu-setup: " + e);
            return 1;
        }
        out.flush();
        return noDoctor ? 0 : doctor(root, out);
    }

    private LibtorchInstall find(PrintWriter out) {
        if (libtorch != null) {
            if (!Files.exists(libtorch.resolve(System.mapLibraryName("torch")))) {
                throw new JniBuild.SetupException(
                        "--libtorch " + libtorch + " has no " + System.mapLibraryName("torch"));
            }
            return LibtorchInstall.probe(libtorch, null, "--libtorch");
        }
        List<String> tried = new ArrayList<>();
        Optional<LibtorchInstall> found =
                LibtorchInstall.locate(env, LibtorchInstall.SYSTEM_DIRS, tried);
        tried.forEach(t -> out.println("  tried: " + t));
        return found.orElseThrow(
                () ->
                        new JniBuild.SetupException(
                                "no libtorch found on this machine. Install one, e.g."
                                        + " `pip install torch` (any CUDA flavour; its torch/include has the headers), `apt-get install libtorch-dev`,"
                                        + " or the libtorch zip from pytorch.org with PYTORCH_LIBRARY_PATH=<libtorch>/lib. Without one, normbench"
                                        + " runs on its bundled CPU libtorch "
                                        + Versions.libtorchPinned()
                                        + " and needs no set-up."));
    }

    /**
     * DJL's prebuilt JNI serves exactly the pinned release on CPU. CUDA installs always get a
     * build: it carries the allocator-peak symbols ({@code CudaMemory}) the prebuilt one lacks.
     */
    static boolean prebuiltFits(LibtorchInstall install) {
        return LibtorchVersions.sameRelease(install.version(), Versions.libtorchPinned())
                && install.flavor().equals("cpu");
    }

    private static boolean cachedBuildFits(Path keyDir, LibtorchInstall install) {
        return Files.exists(keyDir.resolve(JniCache.JNI_FILE))
                && JniCache.readBuild(keyDir)
                        .filter(
                                b ->
                                        b.libtorchVersion().equals(install.version())
                                                && b.libtorchDir().equals(install.realLibDir()))
                        .isPresent();
    }

    /**
     * doctor in a fresh JVM, since this one may not load the new libtorch: same Java, classpath and
     * cache.
     */
    private int doctor(Path root, PrintWriter out) {
        out.println();
        out.println("== normbench doctor (with the selected libtorch)");
        out.flush();
        List<String> cmd =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        NormbenchCli.class.getName(),
                        "doctor");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> childEnv = pb.environment();
        childEnv.clear();
        childEnv.putAll(new HashMap<>(env));
        childEnv.remove("PYTORCH_LIBRARY_PATH");
        childEnv.remove("PYTORCH_VERSION");
        childEnv.remove("PYTORCH_FLAVOR");
        childEnv.remove("NORMBENCH_LIBTORCH");
        childEnv.put(JniCache.CACHE_ENV, root.toString());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            try (BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines()
                        .forEach(
                                line -> {
                                    out.println(line);
                                    out.flush();
                                });
            }
            return p.waitFor();
        } catch (IOException e) {
            spec.commandLine()
                    .getErr()
                    .println("gpu-setup: could not run doctor: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
