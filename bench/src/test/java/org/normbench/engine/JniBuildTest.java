package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpu-setup's build rules that need no compile: what is missing, where it may write, which sources
 * it trusts.
 */
class JniBuildTest {

    static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));

    @TempDir Path tmp;

    @Test
    void missingCompilerSaysHowToGetOne() throws Exception {
        LibtorchInstall t =
                LibtorchInstall.probe(
                        FakeLibtorch.wheel(tmp, "2.11.0+cpu", null, true), null, "test");
        List<String> missing =
                JniBuild.missing(
                        t, Map.of("PATH", tmp.resolve("empty-bin").toString()), JAVA_HOME, true);
        assertEquals(1, missing.size(), missing.toString());
        assertTrue(missing.get(0).startsWith("no C++ compiler"), missing.get(0));
        assertTrue(missing.get(0).contains("apt-get install g++"), missing.get(0));
        assertTrue(
                JniBuild.missing(
                                t,
                                Map.of(
                                        "PATH",
                                        "/usr/bin:/bin",
                                        "CXX",
                                        tmp.resolve("nope").toString()),
                                JAVA_HOME,
                                true)
                        .get(0)
                        .startsWith("no C++ compiler"),
                "a CXX that does not exist is no compiler");
    }

    @Test
    void missingHeadersAndCudaHeadersSayWhereToGetThem() throws Exception {
        LibtorchInstall t =
                LibtorchInstall.probe(
                        FakeLibtorch.wheel(tmp, "2.11.0+cu130", "13.0", false), null, "test");
        List<String> missing =
                JniBuild.missing(
                        t, Map.of("PATH", "/usr/bin:/bin", "CXX", "/bin/sh"), JAVA_HOME, true);
        assertTrue(
                missing.stream()
                        .anyMatch(
                                m ->
                                        m.startsWith("libtorch C++ headers not found")
                                                && m.contains("apt-get install libtorch-dev")),
                missing.toString());
        if (CudaPaths.runtimeHeaders(t.realLibDir()).isEmpty()) {
            assertTrue(
                    missing.stream()
                            .anyMatch(
                                    m ->
                                            m.contains("cuda_runtime_api.h")
                                                    && m.contains("nvidia-cuda-runtime-cu13")),
                    missing.toString());
        }
    }

    @Test
    void tooOldLibtorchIsRefused() throws Exception {
        LibtorchInstall t =
                LibtorchInstall.probe(
                        FakeLibtorch.wheel(tmp, "1.12.1+cpu", null, true), null, "test");
        assertTrue(
                JniBuild.missing(t, Map.of("PATH", "/usr/bin:/bin"), JAVA_HOME, true)
                        .get(0)
                        .contains("older than 1.13"));
    }

    @Test
    void neverWritesIntoThePytorchInstall() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cpu", null, true);
        LibtorchInstall t = LibtorchInstall.probe(lib, null, "test");
        Path inside =
                JniCache.keyDir(
                        lib.getParent().resolve("cache"), "0.36.0", t.release(), t.flavor());
        JniBuild.SetupException e =
                assertThrows(
                        JniBuild.SetupException.class,
                        () -> JniBuild.refuseInsideInstall(inside, t));
        assertTrue(e.getMessage().contains("never modifies"), e.getMessage());
        assertThrows(JniBuild.SetupException.class, () -> JniBuild.linkDir(t, inside, true));
        assertTrue(
                Files.notExists(lib.getParent().resolve("cache")),
                "nothing was created inside torch/");
        JniBuild.refuseInsideInstall(tmp.resolve("cache"), t);
    }

    @Test
    void linkDirHoldsTheLibrariesTheJniAndNothingElse() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cpu", null, true);
        LibtorchInstall t = LibtorchInstall.probe(lib, null, "test");
        Path key = JniCache.keyDir(tmp.resolve("cache"), "0.36.0", t.release(), t.flavor());
        Files.createDirectories(key);
        Files.writeString(key.resolve(JniCache.JNI_FILE), "");
        Path links = JniBuild.linkDir(t, key, true);
        assertEquals(
                lib.resolve(System.mapLibraryName("torch_cpu")),
                Files.readSymbolicLink(links.resolve(System.mapLibraryName("torch_cpu"))));
        assertEquals(
                key.resolve(JniCache.JNI_FILE).toRealPath(),
                links.resolve(JniCache.JNI_FILE).toRealPath());
        assertTrue(JniCache.hasJni(links));
        assertEquals(5, Files.list(lib).count(), "the install is unchanged");
    }

    @Test
    void systemDirectoryLinksOnlyLibtorchsOwnLibraries() throws Exception {
        Path sys = tmp.resolve("usr-lib");
        Files.createDirectories(sys);
        for (String n :
                new String[] {
                    "libtorch.so",
                    "libtorch_cpu.so",
                    "libc10.so",
                    "libssl.so",
                    "libtorch_cpu.so.1.13"
                }) {
            Files.writeString(sys.resolve(n), "");
        }
        LibtorchInstall t = LibtorchInstall.probe(sys, null, "test");
        Path links = JniBuild.linkDir(t, tmp.resolve("cache/key"), false);
        assertEquals(
                List.of("libc10.so", "libtorch.so", "libtorch_cpu.so"),
                Files.list(links).map(p -> p.getFileName().toString()).sorted().toList());
    }

    @Test
    void sourcesFromDjlSrcAreCheckedForWhatTheBuildNeeds() throws Exception {
        Path src = tmp.resolve("djl");
        Files.createDirectories(src.resolve(JniBuild.NATIVE_DIR));
        StringWriter log = new StringWriter();
        JniBuild.SetupException e =
                assertThrows(
                        JniBuild.SetupException.class,
                        () ->
                                JniBuild.sources(
                                        src.toString(),
                                        tmp.resolve("cache"),
                                        JniBuild.DJL_GIT_URL,
                                        new PrintWriter(log)));
        assertTrue(
                e.getMessage().contains("utils.h")
                        && e.getMessage().contains("PyTorchLibrary.java"),
                e.getMessage());
        Path shared = Path.of("../../shared/third_party/djl-0.36.0").toAbsolutePath().normalize();
        if (Files.isDirectory(shared)) {
            assertEquals(
                    shared,
                    JniBuild.sources(
                            shared.toString(),
                            tmp.resolve("cache"),
                            JniBuild.DJL_GIT_URL,
                            new PrintWriter(log)));
        }
    }

    @Test
    void aCloneWhoseTagIsNotTheExpectedCommitIsRefused() throws Exception {
        Path repo = tmp.resolve("fake-djl");
        Files.createDirectories(repo);
        Files.writeString(repo.resolve("README"), "not DJL");
        for (List<String> cmd :
                List.of(
                        List.of("git", "init", "-q"),
                        List.of("git", "add", "README"),
                        List.of(
                                "git",
                                "-c",
                                "user.name=t",
                                "-c",
                                "user.email=t@t",
                                "commit",
                                "-q",
                                "-m",
                                "x"),
                        List.of("git", "tag", JniBuild.DJL_TAG))) {
            Process p =
                    new ProcessBuilder(cmd)
                            .directory(repo.toFile())
                            .redirectErrorStream(true)
                            .start();
            assertEquals(
                    0, p.waitFor(), cmd + ": " + new String(p.getInputStream().readAllBytes()));
        }
        StringWriter log = new StringWriter();
        JniBuild.SetupException e =
                assertThrows(
                        JniBuild.SetupException.class,
                        () ->
                                JniBuild.sources(
                                        null,
                                        tmp.resolve("cache"),
                                        repo.toUri().toString(),
                                        new PrintWriter(log)));
        assertTrue(
                e.getMessage().contains("not the expected " + JniBuild.DJL_COMMIT), e.getMessage());
        assertTrue(
                Files.notExists(tmp.resolve("cache/src/djl-" + JniBuild.DJL_TAG)), "nothing kept");
        JniBuild.SetupException offline =
                assertThrows(
                        JniBuild.SetupException.class,
                        () ->
                                JniBuild.sources(
                                        null,
                                        tmp.resolve("cache"),
                                        tmp.resolve("no-such-repo").toUri().toString(),
                                        new PrintWriter(log)));
        assertTrue(offline.getMessage().contains(JniBuild.DJL_SRC_ENV + "="), offline.getMessage());
    }

    @Test
    void aFailingCompileNamesTheFileAndTheMissingToolAndKeepsNoBuild() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cpu", null, true);
        LibtorchInstall t = LibtorchInstall.probe(lib, null, "test");
        Path src = tmp.resolve("djl");
        Files.createDirectories(src.resolve(JniBuild.NATIVE_DIR));
        Files.writeString(src.resolve(JniBuild.NATIVE_DIR).resolve("a.cc"), "int a;\n");
        Files.createDirectories(src.resolve(JniBuild.UTILS_INCLUDE + "/djl"));
        Files.writeString(src.resolve(JniBuild.UTILS_INCLUDE + "/djl/utils.h"), "");
        Files.createDirectories(src.resolve(JniBuild.LIBRARY_JAVA).getParent());
        Files.writeString(
                src.resolve(JniBuild.LIBRARY_JAVA),
                "package ai.djl.pytorch.jni;\npublic final class PyTorchLibrary {}\n");
        Path cxx = tmp.resolve("bin/g++");
        Files.createDirectories(cxx.getParent());
        Files.writeString(
                cxx,
                "#!/bin/sh\necho \"g++: fatal error: cannot execute 'as': execvp: No such file or directory\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(cxx, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path key = tmp.resolve("cache/key");
        Files.createDirectories(key);
        JniBuild.SetupException e =
                assertThrows(
                        JniBuild.SetupException.class,
                        () ->
                                JniBuild.build(
                                        t,
                                        src,
                                        key,
                                        2,
                                        Map.of("PATH", "/usr/bin:/bin", "CXX", cxx.toString()),
                                        new PrintWriter(new StringWriter())));
        assertTrue(
                e.getMessage().startsWith("compiling a.cc failed")
                        && e.getMessage().contains("install binutils"),
                e.getMessage());
        assertEquals(List.of(), Files.list(key).toList(), "no JNI, no half-built work directory");
    }

    /**
     * normbench's optional CUDA sources: one that does not compile is left out with a warning that
     * names it and quotes the compiler, and the others still make it into the build (a compiler
     * that fails on the streams file only, writes an object file for the rest).
     */
    @Test
    void optionalCudaAdditionThatDoesNotCompileIsLeftOutWithAWarning() throws Exception {
        Path cxx = tmp.resolve("bin/g++");
        Files.createDirectories(cxx.getParent());
        Files.writeString(
                cxx,
                "#!/bin/sh\n"
                        + "for a in \"$@\"; do case \"$a\" in *streams.cc) echo \"streams.cc:9: error:"
                        + " no getStreamFromPool\" >&2; exit 1;; esac; done\n"
                        + "while [ $# -gt 0 ]; do if [ \"$1\" = -o ]; then : > \"$2\"; fi; shift; done\n");
        Files.setPosixFilePermissions(cxx, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path work = tmp.resolve("work");
        Files.createDirectories(work.resolve("obj"));
        StringWriter log = new StringWriter();
        List<String> built = new java.util.ArrayList<>();
        List<Path> objects =
                JniBuild.normbenchExtras(
                        cxx, List.of("-O2"), work, new PrintWriter(log, true), built);
        assertEquals(List.of("normbench_cuda_memory.cc", "normbench_autograd_threads.cc"), built);
        assertEquals(
                List.of(
                        work.resolve("obj/normbench_cuda_memory.o"),
                        work.resolve("obj/normbench_autograd_threads.o")),
                objects);
        assertTrue(objects.stream().allMatch(Files::exists), objects.toString());
        assertTrue(
                log.toString().contains("warning: left out normbench_cuda_streams.cc")
                        && log.toString().contains("no getStreamFromPool"),
                log.toString());
    }

    @Test
    void compileFlagsCarryAbiDefinesAndIncludes() throws Exception {
        LibtorchInstall t =
                new LibtorchInstall(
                        tmp,
                        tmp,
                        "1.13.1",
                        "test",
                        null,
                        true,
                        List.of(tmp.resolve("inc")),
                        "test");
        List<String> f =
                JniBuild.compileFlags(
                        t,
                        "-O2",
                        tmp.resolve("h"),
                        tmp.resolve("djl"),
                        JAVA_HOME,
                        Optional.empty());
        assertTrue(
                f.containsAll(
                        List.of(
                                "-std=c++17",
                                "-fPIC",
                                "-D_GLIBCXX_USE_CXX11_ABI=1",
                                "-DV1_13_X",
                                "-I" + tmp.resolve("inc"),
                                "-I" + JAVA_HOME.resolve("include"),
                                "-I" + tmp.resolve("djl").resolve(JniBuild.UTILS_INCLUDE))),
                f.toString());
        assertTrue(f.stream().noneMatch(s -> s.equals("-DUSE_CUDA")));
    }
}
