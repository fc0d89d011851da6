package org.normbench.engine;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds DJL's PyTorch JNI ({@code libdjl_torch.so}) against a libtorch already on the machine,
 * into {@link JniCache}: the recipe DJL's own build uses (its 13 {@code .cc} files, the JNI header
 * from {@code javac -h} on {@code PyTorchLibrary.java}, {@code -DV1_13_X} / {@code -DUSE_CUDA} per
 * version), compiled with the machine's C++ compiler. Never writes into the libtorch install.
 * Failures are {@link SetupException}s that say what is missing and how to get it.
 */
public final class JniBuild {
    /** The DJL release whose JNI sources match the DJL jars normbench runs with. */
    public static final String DJL_TAG = "v0.36.0";

    /** What {@link #DJL_TAG} must resolve to; a clone that gives anything else is refused. */
    public static final String DJL_COMMIT = "1a7265a7c98542027f168bda90969f6e0e567c5f";

    public static final String DJL_GIT_URL = "https://github.com/deepjavalibrary/djl.git";

    /** Environment variable naming a local copy of DJL's sources at {@link #DJL_TAG}. */
    public static final String DJL_SRC_ENV = "DJL_SRC";

    /**
     * Optimisation flag for the JNI build (default -O2, as DJL's release build); the CI test uses
     * -O0 to save minutes.
     */
    public static final String OPT_ENV = "NORMBENCH_JNI_OPT";

    static final String NATIVE_DIR = "engines/pytorch/pytorch-native/src/main/native";
    static final String UTILS_INCLUDE = "api/src/main/native";
    static final String LIBRARY_JAVA =
            "engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java";

    /**
     * {@code javac -h}'s output, written by {@code make dist} so the bundle's runtime needs no Java
     * compiler.
     */
    static final String PREGENERATED_HEADER = "jni-header/ai_djl_pytorch_jni_PyTorchLibrary.h";

    /**
     * Compilers still running; killed with the JVM (Ctrl-C) so none outlives an interrupted set-up.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> RUNNING.forEach(Process::destroyForcibly),
                                "jni-build-cleanup"));
    }

    private JniBuild() {}

    /** Deletes {@code .build-<pid>} work directories of set-ups whose process no longer runs. */
    private static void removeAbandonedWork(Path keyDir) throws IOException {
        try (Stream<Path> dirs = Files.list(keyDir)) {
            for (Path d :
                    dirs.filter(p -> p.getFileName().toString().matches("\\.build-\\d+"))
                            .toList()) {
                long pid = Long.parseLong(d.getFileName().toString().substring(".build-".length()));
                if (pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).isEmpty()) {
                    deleteTree(d);
                }
            }
        }
    }

    /** A set-up step that cannot go on; the message names what is missing and how to get it. */
    public static final class SetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SetupException(String message) {
            super(message);
        }
    }

    /** The C++ compiler to use: {@code $CXX}, else the first of g++, c++, clang++ on PATH. */
    public static Optional<Path> compiler(Map<String, String> env) {
        String cxx = env.get("CXX");
        if (cxx != null && !cxx.isBlank()) {
            Path p = Path.of(cxx);
            if (p.isAbsolute()) {
                return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
            }
            return onPath(env.get("PATH"), cxx);
        }
        for (String name : List.of("g++", "c++", "clang++")) {
            Optional<Path> p = onPath(env.get("PATH"), name);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    static Optional<Path> onPath(String path, String name) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Everything missing for a build against {@code install}, each with how to get it; empty when
     * the build can start. Checked together so one run tells the user the whole shopping list.
     */
    public static List<String> missing(
            LibtorchInstall install, Map<String, String> env, Path javaHome, boolean needJavac) {
        List<String> out = new ArrayList<>();
        if (!LibtorchVersions.buildableByDjl(install.version())) {
            out.add(
                    "libtorch "
                            + install.version()
                            + " is older than 1.13, the oldest release DJL "
                            + Versions.djl()
                            + "'s JNI sources support: use torch >= 1.13 (pip install torch) or normbench's bundled CPU libtorch");
        }
        if (compiler(env).isEmpty()) {
            out.add(
                    "no C++ compiler (looked for $CXX, g++, c++, clang++ on PATH): install one, e.g."
                            + " `apt-get install g++` (Debian/Ubuntu), `dnf install gcc-c++` (RHEL/Rocky),"
                            + " `conda install -c conda-forge cxx-compiler`, or `module load gcc` on an HPC cluster");
        }
        if (install.includeDirs().isEmpty()) {
            out.add(
                    "libtorch C++ headers not found for "
                            + install.realLibDir()
                            + " (need include/torch/script.h and"
                            + " include/torch/csrc/api/include/torch/torch.h next to lib/, or under /usr/include for a system"
                            + " libtorch): pip wheels ship them in torch/include; on Debian/Ubuntu `apt-get install libtorch-dev`;"
                            + " or unpack the libtorch zip from pytorch.org and set PYTORCH_LIBRARY_PATH=<libtorch>/lib");
        }
        if (install.cuda() && CudaPaths.runtimeHeaders(install.realLibDir()).isEmpty()) {
            out.add(
                    "CUDA runtime headers (cuda_runtime_api.h) not found for this CUDA "
                            + install.cudaVersion()
                            + " libtorch (looked in "
                            + CudaPaths.headerDirs(install.realLibDir())
                            + "): `pip install"
                            + " nvidia-cuda-runtime-cu"
                            + install.cudaVersion().split("\\.")[0]
                            + "` into torch's environment,"
                            + " or set CUDA_HOME to a CUDA toolkit "
                            + install.cudaVersion());
        }
        if (!Files.exists(javaHome.resolve("include/jni.h"))) {
            out.add(
                    "JNI headers not found ("
                            + javaHome.resolve("include/jni.h")
                            + "): run with a full JDK 17"
                            + " (e.g. `apt-get install openjdk-17-jdk-headless`) or from normbench's `make dist` bundle, whose runtime has them");
        }
        if (needJavac && ToolProvider.getSystemJavaCompiler() == null) {
            out.add(
                    "this Java runtime has no compiler (module jdk.compiler), needed for the JNI header:"
                            + " run with a full JDK 17, or from a `make dist` bundle, whose DJL sources carry the header");
        }
        return out;
    }

    /** The directory normbench would build into must not lie inside the libtorch install. */
    public static void refuseInsideInstall(Path target, LibtorchInstall install) {
        Path t = target.toAbsolutePath().normalize();
        for (Path root : install.protectedRoots()) {
            if (t.startsWith(root)) {
                throw new SetupException(
                        "refusing to write "
                                + t
                                + ": it is inside the PyTorch install "
                                + root
                                + ", which normbench never modifies. Point "
                                + JniCache.CACHE_ENV
                                + " somewhere else (default ~/.cache/normbench).");
            }
        }
    }

    /**
     * DJL's JNI sources: {@code djlSrc} when given (checked for the files the build needs), else a
     * shallow clone of {@link #DJL_TAG} under the cache, refused unless it is {@link #DJL_COMMIT}.
     */
    public static Path sources(String djlSrc, Path cacheRoot, String gitUrl, PrintWriter log) {
        if (djlSrc != null && !djlSrc.isBlank()) {
            Path dir = Path.of(djlSrc).toAbsolutePath().normalize();
            checkSources(dir, DJL_SRC_ENV + "=" + djlSrc);
            log.println("DJL sources: " + dir + " (from " + DJL_SRC_ENV + ")");
            return dir;
        }
        Path dir = cacheRoot.resolve("src").resolve("djl-" + DJL_TAG);
        if (Files.isDirectory(dir.resolve(".git")) && DJL_COMMIT.equals(headCommit(dir))) {
            log.println("DJL sources: " + dir + " (cloned earlier, commit " + DJL_COMMIT + ")");
            return dir;
        }
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        deleteTree(tmp);
        log.println("DJL sources: git clone --depth 1 --branch " + DJL_TAG + " " + gitUrl);
        log.flush();
        String err =
                runQuiet(
                        List.of(
                                "git",
                                "clone",
                                "-q",
                                "--depth",
                                "1",
                                "--branch",
                                DJL_TAG,
                                gitUrl,
                                tmp.toString()),
                        null);
        if (err != null) {
            throw new SetupException(
                    "could not clone DJL "
                            + DJL_TAG
                            + " from "
                            + gitUrl
                            + " ("
                            + err.trim()
                            + ").\n"
                            + "  On a machine without internet, copy DJL's sources at tag "
                            + DJL_TAG
                            + " there (normbench's"
                            + " bundle and repository sit next to one at ../shared/third_party/djl-0.36.0 where provided)"
                            + " and set "
                            + DJL_SRC_ENV
                            + "=<that directory>.");
        }
        String head = headCommit(tmp);
        if (!DJL_COMMIT.equals(head)) {
            deleteTree(tmp);
            throw new SetupException(
                    "DJL tag "
                            + DJL_TAG
                            + " from "
                            + gitUrl
                            + " resolves to commit "
                            + head
                            + ", not the expected "
                            + DJL_COMMIT
                            + "; refusing to build from it. Use the official repository or set "
                            + DJL_SRC_ENV
                            + ".");
        }
        checkSources(tmp, gitUrl + " " + DJL_TAG);
        deleteTree(dir);
        move(tmp, dir);
        return dir;
    }

    static void checkSources(Path dir, String what) {
        List<String> absent = new ArrayList<>();
        for (String rel : List.of(NATIVE_DIR, UTILS_INCLUDE + "/djl/utils.h", LIBRARY_JAVA)) {
            if (!Files.exists(dir.resolve(rel))) {
                absent.add(rel);
            }
        }
        if (!absent.isEmpty()) {
            throw new SetupException(
                    what
                            + " is not a DJL "
                            + DJL_TAG
                            + " source tree: missing "
                            + absent
                            + ". Point "
                            + DJL_SRC_ENV
                            + " at an extract of github.com/deepjavalibrary/djl at tag "
                            + DJL_TAG
                            + ".");
        }
    }

    private static String headCommit(Path repo) {
        String out =
                LibtorchInstall.run(List.of("git", "-C", repo.toString(), "rev-parse", "HEAD"));
        return out == null ? null : out.trim();
    }

    /** The compile flags for one {@code .cc} file, without the file names. */
    public static List<String> compileFlags(
            LibtorchInstall install,
            String optimization,
            Path headerDir,
            Path djlSrc,
            Path javaHome,
            Optional<Path> cudaHeaders) {
        List<String> f = new ArrayList<>(List.of("-std=c++17", optimization, "-fPIC", "-w"));
        if (install.cxx11Abi() != null) {
            f.add("-D_GLIBCXX_USE_CXX11_ABI=" + (install.cxx11Abi() ? 1 : 0));
        }
        for (String d : LibtorchVersions.jniDefines(install.version(), install.cuda())) {
            f.add("-D" + d);
        }
        f.add("-I" + headerDir);
        f.add("-I" + javaHome.resolve("include"));
        f.add(
                "-I"
                        + javaHome.resolve("include")
                                .resolve(
                                        System.getProperty("os.name")
                                                        .toLowerCase(Locale.ROOT)
                                                        .startsWith("mac")
                                                ? "darwin"
                                                : "linux"));
        f.add("-I" + djlSrc.resolve(UTILS_INCLUDE));
        for (Path inc : install.includeDirs()) {
            f.add("-I" + inc);
        }
        cudaHeaders.ifPresent(c -> f.add("-I" + c));
        return f;
    }

    /**
     * The libraries to link: those of torch, torch_cpu, c10 (and the CUDA ones for a CUDA build)
     * that exist.
     */
    static List<String> linkLibraries(LibtorchInstall install) {
        List<String> names = new ArrayList<>(List.of("torch", "torch_cpu", "c10"));
        if (install.cuda()) {
            names.addAll(List.of("torch_cuda", "c10_cuda"));
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (Files.exists(install.realLibDir().resolve(System.mapLibraryName(n)))) {
                out.add("-l" + n);
            }
        }
        return out;
    }

    /**
     * Compiles and links into {@code keyDir} ({@code libdjl_torch.so} and {@code
     * build.properties}), {@code jobs} files at a time. The old build, if any, is replaced only
     * once the new one linked.
     */
    public static void build(
            LibtorchInstall install,
            Path djlSrc,
            Path keyDir,
            int jobs,
            Map<String, String> env,
            PrintWriter log) {
        refuseInsideInstall(keyDir, install);
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path pregenerated = djlSrc.resolve(PREGENERATED_HEADER);
        List<String> missing = missing(install, env, javaHome, !Files.exists(pregenerated));
        if (!missing.isEmpty()) {
            throw new SetupException(
                    "cannot build the JNI for "
                            + install.version()
                            + ":\n  - "
                            + String.join("\n  - ", missing));
        }
        Path cxx = compiler(env).orElseThrow();
        long t0 = System.nanoTime();
        Path work = keyDir.resolve(".build-" + ProcessHandle.current().pid());
        try {
            removeAbandonedWork(keyDir);
            Files.createDirectories(work.resolve("include"));
            Files.createDirectories(work.resolve("classes"));
            Files.createDirectories(work.resolve("obj"));
            if (Files.exists(pregenerated)) {
                Files.copy(
                        pregenerated, work.resolve("include").resolve(pregenerated.getFileName()));
            } else {
                jniHeader(
                        djlSrc.resolve(LIBRARY_JAVA),
                        work.resolve("include"),
                        work.resolve("classes"));
            }
            List<String> flags =
                    compileFlags(
                            install,
                            env.getOrDefault(OPT_ENV, "-O2"),
                            work.resolve("include"),
                            djlSrc,
                            javaHome,
                            install.cuda()
                                    ? CudaPaths.runtimeHeaders(install.realLibDir())
                                    : Optional.empty());
            List<Path> sources = new ArrayList<>();
            try (Stream<Path> s = Files.list(djlSrc.resolve(NATIVE_DIR))) {
                s.filter(p -> p.toString().endsWith(".cc")).sorted().forEach(sources::add);
            }
            log.printf(
                    "compiling %d files with %s (%d at a time): %s%n",
                    sources.size(), cxx, jobs, String.join(" ", flags));
            log.flush();
            List<Path> objects = compileAll(cxx, flags, sources, work.resolve("obj"), jobs, log);
            List<String> extras = new ArrayList<>();
            if (install.cuda()) {
                objects.addAll(normbenchExtras(cxx, flags, work, log, extras));
            }
            Path so = work.resolve(JniCache.JNI_FILE);
            List<String> link =
                    new ArrayList<>(List.of(cxx.toString(), "-shared", "-o", so.toString()));
            objects.forEach(o -> link.add(o.toString()));
            link.addAll(List.of("-L" + install.realLibDir(), "-Wl,-rpath," + install.realLibDir()));
            link.addAll(linkLibraries(install));
            String err = runQuiet(link, null);
            if (err != null) {
                throw new SetupException(
                        "linking libdjl_torch.so failed:\n  "
                                + String.join(" ", link)
                                + "\n"
                                + tail(err));
            }
            Files.move(
                    so,
                    keyDir.resolve(JniCache.JNI_FILE),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Properties p = new Properties();
            p.setProperty("libtorch.version", install.version());
            p.setProperty("libtorch.version_source", install.versionSource());
            p.setProperty("libtorch.dir", install.realLibDir().toString());
            p.setProperty("flavor", install.flavor());
            p.setProperty("cuda", String.valueOf(install.cudaVersion()));
            p.setProperty("cxx11_abi", String.valueOf(install.cxx11Abi()));
            p.setProperty("djl.version", Versions.djl());
            p.setProperty("djl.sources", djlSrc.toString());
            p.setProperty(
                    "compiler",
                    cxx
                            + " "
                            + firstLine(LibtorchInstall.run(List.of(cxx.toString(), "--version"))));
            p.setProperty("compile_flags", String.join(" ", flags));
            p.setProperty("link_libraries", String.join(" ", linkLibraries(install)));
            p.setProperty("normbench_extras", String.join(" ", extras));
            p.setProperty(
                    "build_seconds",
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
            p.setProperty("built_at", Instant.now().toString());
            JniCache.store(
                    keyDir.resolve(JniCache.BUILD_FILE), p, "DJL JNI built by normbench gpu-setup");
            log.printf(
                    "built %s in %.0f s%n",
                    keyDir.resolve(JniCache.JNI_FILE), (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(work);
        }
    }

    /**
     * normbench's own CUDA additions to the JNI (peak memory, per-thread streams, backward on the
     * calling thread), each compiled on its own. One that does not compile against this libtorch is
     * left out with a warning instead of failing the whole build: the Java side falls back when its
     * symbols are missing (peak memory from cudaMemGetInfo, cells on the default stream, backwards
     * on libtorch's autograd thread). {@code built} gets the file names that made it in.
     */
    static List<Path> normbenchExtras(
            Path cxx, List<String> flags, Path work, PrintWriter log, List<String> built)
            throws IOException {
        List<Path> objects = new ArrayList<>();
        for (String resource :
                List.of(
                        CudaMemory.SOURCE_RESOURCE,
                        CudaStreams.SOURCE_RESOURCE,
                        BackwardThread.SOURCE_RESOURCE)) {
            Path src = work.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            try (var in = JniBuild.class.getResourceAsStream(resource)) {
                Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                objects.addAll(compileAll(cxx, flags, List.of(src), work.resolve("obj"), 1, log));
                built.add(src.getFileName().toString());
            } catch (SetupException e) {
                log.println(
                        "warning: left out "
                                + src.getFileName()
                                + " (normbench's optional CUDA addition), which did not compile"
                                + " against this libtorch:\n    "
                                + e.getMessage().replace("\n", "\n    "));
                log.flush();
            }
        }
        return objects;
    }

    /** {@code javac -h}: the JNI header of DJL's PyTorchLibrary, with the in-process compiler. */
    static void jniHeader(Path libraryJava, Path headerDir, Path classesDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc =
                javac.run(
                        null,
                        err,
                        err,
                        "-h",
                        headerDir.toString(),
                        "-d",
                        classesDir.toString(),
                        libraryJava.toString());
        if (rc != 0) {
            throw new SetupException(
                    "javac -h on "
                            + libraryJava
                            + " failed:\n"
                            + tail(err.toString(StandardCharsets.UTF_8)));
        }
    }

    private static List<Path> compileAll(
            Path cxx,
            List<String> flags,
            List<Path> sources,
            Path objDir,
            int jobs,
            PrintWriter log) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        try {
            List<Future<String>> results = new ArrayList<>();
            List<Path> objects = new ArrayList<>();
            for (Path src : sources) {
                Path obj = objDir.resolve(src.getFileName().toString().replaceAll("\\.cc$", ".o"));
                objects.add(obj);
                List<String> cmd = new ArrayList<>();
                cmd.add(cxx.toString());
                cmd.addAll(flags);
                cmd.addAll(List.of("-c", src.toString(), "-o", obj.toString()));
                results.add(
                        pool.submit(
                                () -> {
                                    String err = runQuiet(cmd, null);
                                    synchronized (log) {
                                        log.println(
                                                (err == null ? "  ok   " : "  FAIL ")
                                                        + src.getFileName());
                                        log.flush();
                                    }
                                    String hint =
                                            err != null && err.contains("cannot execute")
                                                    ? "\n(the compiler's own tools are not on PATH: install binutils, e.g. `apt-get install build-essential`)"
                                                    : "";
                                    return err == null
                                            ? null
                                            : "compiling "
                                                    + src.getFileName()
                                                    + " failed:\n"
                                                    + tail(err)
                                                    + hint;
                                }));
            }
            // Wait for every compiler before reporting, so none is still writing when the work
            // directory goes.
            String firstFailure = null;
            for (Future<String> f : results) {
                String failure = f.get();
                if (failure != null && firstFailure == null) {
                    firstFailure = failure;
                }
            }
            if (firstFailure != null) {
                throw new SetupException(firstFailure);
            }
            return objects;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted while compiling");
        } catch (ExecutionException e) {
            throw new SetupException("compiler could not be run: " + e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Re-creates {@code keyDir/lib}: symbolic links to the libtorch's libraries, then to the JNI
     * (and, for CUDA, an unversioned {@code libcudart.so} for DJL's GPU count). For a dedicated
     * libtorch directory (wheel, zip) every library is linked; for a shared system directory only
     * libtorch's own, since DJL loads every library file of that directory.
     */
    public static Path linkDir(LibtorchInstall install, Path keyDir, boolean withJni) {
        refuseInsideInstall(keyDir, install);
        Path lib = keyDir.resolve("lib");
        try {
            deleteTree(lib);
            Files.createDirectories(lib);
            boolean dedicated =
                    !LibtorchInstall.installRoot(install.libDir()).equals(install.libDir());
            try (Stream<Path> files = Files.list(install.libDir())) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    boolean library =
                            dedicated
                                    ? name.contains(".so") || name.endsWith(".dylib")
                                    : name.matches("lib(torch|c10|shm|caffe2)[A-Za-z0-9_]*\\.so");
                    if (library && !name.contains("djl_torch")) {
                        Files.createSymbolicLink(lib.resolve(name), f.toAbsolutePath());
                    }
                }
            }
            if (withJni) {
                Files.createSymbolicLink(
                        lib.resolve(JniCache.JNI_FILE), Path.of("..", JniCache.JNI_FILE));
            }
            if (install.cuda() && !Files.exists(lib.resolve("libcudart.so"))) {
                Optional<Path> cudart = CudaPaths.cudart(install.realLibDir());
                if (cudart.isPresent()) {
                    Files.createSymbolicLink(
                            lib.resolve("libcudart.so"), cudart.get().toAbsolutePath());
                }
            }
            return lib;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code cmd}; null on success, else its stderr and stdout. */
    private static String runQuiet(List<String> cmd, Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            RUNNING.add(p);
            try {
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(30, TimeUnit.MINUTES);
                return p.exitValue() == 0 ? null : out.isBlank() ? "exit " + p.exitValue() : out;
            } finally {
                RUNNING.remove(p);
            }
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static void move(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
