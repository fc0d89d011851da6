package org.normbench.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One libtorch on this machine, as {@code gpu-setup} finds it: its library directory, the version,
 * CUDA version and C++ ABI it was built with, where each fact came from, and its C++ headers. Also
 * the search itself ({@link #locate}): {@code PYTORCH_LIBRARY_PATH}, else the first {@code python3}
 * on PATH whose {@code torch} imports, else a system libtorch such as Debian's {@code
 * libtorch-dev}. Reads only; never writes anywhere.
 *
 * @param libDir the directory that holds {@code libtorch.so} as found (may hold symbolic links)
 * @param realLibDir the directory of the real {@code libtorch_cpu.so} file after following links
 * @param version full version as the install states it (e.g. {@code 2.11.0+cu130}, {@code 1.13.1})
 * @param versionSource how {@code version} was read, for messages and provenance
 * @param cudaVersion CUDA version the install was built for (e.g. {@code 13.0}), null for CPU
 *     builds
 * @param cxx11Abi whether it uses the C++11 std::string ABI; null when unknown
 * @param includeDirs the two libtorch include directories, empty when the headers are absent
 * @param foundVia how the search found it ({@code PYTORCH_LIBRARY_PATH}, {@code python3
 *     (/usr/bin/python3)}, ...)
 */
public record LibtorchInstall(
        Path libDir,
        Path realLibDir,
        String version,
        String versionSource,
        String cudaVersion,
        Boolean cxx11Abi,
        List<Path> includeDirs,
        String foundVia) {

    /** Directories searched for a system libtorch after PYTORCH_LIBRARY_PATH and python3. */
    public static final List<Path> SYSTEM_DIRS =
            List.of(
                    Path.of("/usr/lib/x86_64-linux-gnu"),
                    Path.of("/usr/lib/aarch64-linux-gnu"),
                    Path.of("/usr/lib64"),
                    Path.of("/usr/local/lib"),
                    Path.of("/opt/libtorch/lib"),
                    Path.of("/usr/lib"));

    static final String LIBTORCH = System.mapLibraryName("torch");
    static final String LIBTORCH_CPU = System.mapLibraryName("torch_cpu");

    /**
     * Python that prints torch's version, CUDA version, C++ ABI and package directory, one per
     * line.
     */
    static final String PYTHON_PROBE =
            "import os, torch\n"
                    + "print(torch.__version__)\n"
                    + "print(torch.version.cuda or '')\n"
                    + "print(int(bool(torch._C._GLIBCXX_USE_CXX11_ABI)))\n"
                    + "print(os.path.dirname(os.path.realpath(torch.__file__)))\n";

    public String release() {
        return LibtorchVersions.release(version);
    }

    public String flavor() {
        return LibtorchVersions.flavor(cudaVersion);
    }

    public boolean cuda() {
        return cudaVersion != null;
    }

    /** Human summary for gpu-setup's and doctor's output. */
    public String describe() {
        return "libtorch "
                + version
                + " ("
                + flavor()
                + ", C++11 ABI "
                + (cxx11Abi == null ? "unknown" : cxx11Abi ? "1" : "0")
                + ") in "
                + libDir
                + (realLibDir.equals(libDir) ? "" : " -> " + realLibDir)
                + "\n  found via "
                + foundVia
                + "; version from "
                + versionSource;
    }

    /**
     * The directories normbench must never write into: the install root of the directory as found
     * and of the real one (a wheel's {@code torch/}, a zip's {@code libtorch/}), or the library
     * directory itself for a system libtorch.
     */
    public List<Path> protectedRoots() {
        Set<Path> roots = new LinkedHashSet<>();
        roots.add(installRoot(libDir));
        roots.add(installRoot(realLibDir));
        return List.copyOf(roots);
    }

    static Path installRoot(Path dir) {
        Path parent = dir.toAbsolutePath().normalize().getParent();
        if (parent != null
                && (Files.isDirectory(parent.resolve("include"))
                        || Files.exists(parent.resolve("version.py"))
                        || Files.exists(parent.resolve("build-version")))) {
            return parent;
        }
        return dir.toAbsolutePath().normalize();
    }

    /**
     * Searches in the documented order. {@code env} supplies PYTORCH_LIBRARY_PATH and PATH (tests
     * pass their own); {@code systemDirs} are the system locations to try last.
     *
     * @param log receives one line per candidate that was tried and rejected, so a failed search
     *     explains itself
     */
    public static Optional<LibtorchInstall> locate(
            Map<String, String> env, List<Path> systemDirs, List<String> log) {
        String override = env.get("PYTORCH_LIBRARY_PATH");
        if (override != null && !override.isBlank()) {
            for (String entry : override.split(File.pathSeparator)) {
                Path dir = Path.of(entry);
                if (Files.exists(dir.resolve(LIBTORCH))) {
                    return Optional.of(probe(dir, null, "PYTORCH_LIBRARY_PATH"));
                }
                log.add("PYTORCH_LIBRARY_PATH entry " + dir + " has no " + LIBTORCH);
            }
        }
        for (Path python : pythonsOnPath(env.get("PATH"))) {
            Optional<LibtorchInstall> found = fromPython(python, log);
            if (found.isPresent()) {
                return found;
            }
        }
        for (Path dir : systemDirs) {
            if (Files.exists(dir.resolve(LIBTORCH))) {
                return Optional.of(probe(dir, null, "system library directory " + dir));
            }
        }
        log.add("no " + LIBTORCH + " in " + systemDirs);
        return Optional.empty();
    }

    /** Every distinct executable {@code python3} on PATH, in PATH order. */
    static List<Path> pythonsOnPath(String path) {
        List<Path> out = new ArrayList<>();
        if (path == null) {
            return out;
        }
        Set<Path> seen = new LinkedHashSet<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry, "python3");
            if (Files.isExecutable(p) && seen.add(p.toAbsolutePath().normalize())) {
                out.add(p);
            }
        }
        return out;
    }

    private static Optional<LibtorchInstall> fromPython(Path python, List<String> log) {
        List<String> lines;
        try {
            Process p =
                    new ProcessBuilder(python.toString(), "-c", PYTHON_PROBE)
                            .redirectErrorStream(false)
                            .start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                String[] errLines = new String(err, StandardCharsets.UTF_8).trim().split("\n");
                String last =
                        errLines[errLines.length - 1].isBlank()
                                ? "no message"
                                : errLines[errLines.length - 1];
                log.add(python + ": torch does not import (" + last + ")");
                return Optional.empty();
            }
            lines = new String(out, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            log.add(python + ": " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (lines.size() < 4) {
            log.add(python + ": unexpected torch probe output " + lines);
            return Optional.empty();
        }
        Path lib = Path.of(lines.get(3), "lib");
        if (!Files.exists(lib.resolve(LIBTORCH))) {
            log.add(python + ": torch " + lines.get(0) + " has no " + lib.resolve(LIBTORCH));
            return Optional.empty();
        }
        PythonFacts facts =
                new PythonFacts(
                        lines.get(0),
                        lines.get(1).isBlank() ? null : lines.get(1),
                        "1".equals(lines.get(2)));
        return Optional.of(
                probe(lib, facts, "python3 (" + python + ", torch " + lines.get(0) + ")"));
    }

    /** What {@code import torch} reported; null fields are unknown. */
    record PythonFacts(String version, String cuda, Boolean cxx11Abi) {}

    /**
     * Reads the facts of the libtorch in {@code libDir}. Version sources, most specific first: a
     * wheel's {@code torch/version.py}, a zip's {@code build-version}, the Debian package that owns
     * the file, DJL's cache directory name, CMake's config, the library's versioned file name, and
     * last what {@code import torch} said (Debian's python3-torch says 1.13.0a0 for 1.13.1).
     */
    public static LibtorchInstall probe(Path libDir, PythonFacts python, String foundVia) {
        Path real = realDir(libDir);
        String version = null;
        String source = null;
        String cuda = null;
        Path root = real.getParent();
        Optional<String> versionPy = read(root == null ? null : root.resolve("version.py"));
        Optional<String> buildVersion = read(root == null ? null : root.resolve("build-version"));
        Optional<String> cmakeVersion = read(cmakeFile(real, "TorchConfigVersion.cmake"));
        String[] djlDir = LibtorchVersions.fromDjlCacheDirName(real.getFileName().toString());
        if (versionPy.isPresent()
                && LibtorchVersions.versionFromVersionPy(versionPy.get()) != null) {
            version = LibtorchVersions.versionFromVersionPy(versionPy.get());
            source = root.resolve("version.py").toString();
            cuda = LibtorchVersions.cudaFromVersionPy(versionPy.get());
        } else if (buildVersion.isPresent()
                && LibtorchVersions.release(buildVersion.get()) != null) {
            version = buildVersion.get().trim();
            source = root.resolve("build-version").toString();
            cuda = LibtorchVersions.cudaFromLocalTag(version);
        } else if (dpkgVersion(real.resolve(LIBTORCH_CPU)) != null) {
            String[] owner = dpkgVersion(real.resolve(LIBTORCH_CPU));
            version = LibtorchVersions.release(owner[1]);
            source = "Debian package " + owner[0] + " " + owner[1];
        } else if (djlDir != null) {
            version = djlDir[0];
            source = "DJL native cache directory " + real;
            cuda =
                    djlDir[1].startsWith("cu")
                            ? djlDir[1].substring(2, djlDir[1].length() - 1)
                                    + "."
                                    + djlDir[1].substring(djlDir[1].length() - 1)
                            : null;
        } else if (cmakeVersion.isPresent()
                && LibtorchVersions.versionFromCmake(cmakeVersion.get()) != null) {
            version = LibtorchVersions.versionFromCmake(cmakeVersion.get());
            source = cmakeFile(real, "TorchConfigVersion.cmake").toString();
        } else if (LibtorchVersions.versionFromSoname(realFileName(real.resolve(LIBTORCH_CPU)))
                != null) {
            version = LibtorchVersions.versionFromSoname(realFileName(real.resolve(LIBTORCH_CPU)));
            source = "file name of " + real.resolve(realFileName(real.resolve(LIBTORCH_CPU)));
        } else if (python != null) {
            version = python.version();
            source = "python torch.__version__";
        }
        if (cuda == null && python != null) {
            cuda = python.cuda();
        }
        if (cuda == null && Files.exists(real.resolve(System.mapLibraryName("torch_cuda")))) {
            cuda = cudartVersion(real);
        }
        Boolean abi = python != null ? python.cxx11Abi() : null;
        if (abi == null) {
            abi =
                    read(cmakeFile(real, "TorchConfig.cmake"))
                            .map(LibtorchVersions::cxx11AbiFromCmake)
                            .orElse(null);
        }
        if (abi == null) {
            abi = abiFromLibrary(real.resolve(System.mapLibraryName("c10")));
        }
        return new LibtorchInstall(
                libDir.toAbsolutePath().normalize(),
                real,
                version == null ? "unknown" : version,
                source == null
                        ? "nothing (no version file, package or versioned file name)"
                        : source,
                cuda,
                abi,
                includeDirs(real, libDir),
                foundVia);
    }

    /**
     * The directory of the real {@code libtorch_cpu.so} (or {@code libtorch.so}) after following
     * links.
     */
    static Path realDir(Path libDir) {
        for (String name : List.of(LIBTORCH_CPU, LIBTORCH)) {
            try {
                return libDir.resolve(name).toRealPath().getParent();
            } catch (IOException e) {
                // try the next name
            }
        }
        return libDir.toAbsolutePath().normalize();
    }

    private static String realFileName(Path file) {
        try {
            return file.toRealPath().getFileName().toString();
        } catch (IOException e) {
            return file.getFileName().toString();
        }
    }

    private static Path cmakeFile(Path real, String name) {
        for (Path c :
                List.of(
                        real.resolve("cmake/Torch").resolve(name),
                        real.resolve("../share/cmake/Torch").resolve(name))) {
            if (Files.exists(c)) {
                return c;
            }
        }
        return null;
    }

    /** Headers next to the library (wheel, zip) or under /usr/include for a /usr/lib libtorch. */
    static List<Path> includeDirs(Path real, Path libDir) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(real.resolveSibling("include"));
        candidates.add(libDir.toAbsolutePath().normalize().resolveSibling("include"));
        if (real.startsWith("/usr/lib") || real.startsWith("/usr/lib64")) {
            candidates.add(Path.of("/usr/include"));
        }
        if (real.startsWith("/usr/local/lib")) {
            candidates.add(Path.of("/usr/local/include"));
        }
        for (Path inc : candidates) {
            Path api = inc.resolve("torch/csrc/api/include");
            if (Files.exists(inc.resolve("torch/script.h"))
                    && Files.exists(api.resolve("torch/torch.h"))) {
                return List.of(inc, api);
            }
        }
        return List.of();
    }

    /**
     * {package, version} of the Debian package that owns {@code file}, or null off Debian or when
     * unowned.
     */
    static String[] dpkgVersion(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        String owner = run(List.of("dpkg-query", "-S", realPath(file).toString()));
        if (owner == null || !owner.contains(":")) {
            return null;
        }
        String pkg = owner.lines().findFirst().orElse("").split(":")[0].trim();
        String version = run(List.of("dpkg-query", "-W", "-f=${Version}", pkg));
        return version == null || version.isBlank() ? null : new String[] {pkg, version.trim()};
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    /**
     * CUDA version from a {@code libcudart.so.X.Y} file name in or near the libtorch directory, or
     * "unknown".
     */
    private static String cudartVersion(Path real) {
        for (Path dir : CudaPaths.runtimeLibDirs(real)) {
            try (var files = Files.list(dir)) {
                Optional<String> v =
                        files.map(f -> f.getFileName().toString())
                                .filter(n -> n.startsWith("libcudart.so."))
                                .map(n -> n.substring("libcudart.so.".length()))
                                .filter(n -> n.matches("\\d+\\.\\d+.*"))
                                .findFirst();
                if (v.isPresent()) {
                    String[] p = v.get().split("\\.");
                    return p[0] + "." + p[1];
                }
            } catch (IOException e) {
                // not there
            }
        }
        return "unknown";
    }

    /**
     * Whether libc10's symbols use the C++11 std::string ABI ({@code __cxx11} in mangled names).
     */
    static Boolean abiFromLibrary(Path libc10) {
        try {
            byte[] bytes = Files.readAllBytes(libc10);
            byte[] needle = "St7__cxx11".getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i + needle.length <= bytes.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        } catch (IOException | OutOfMemoryError e) {
            return null;
        }
    }

    private static Optional<String> read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Runs a short command; its stdout, or null when it is missing or fails. */
    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            p.getErrorStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
