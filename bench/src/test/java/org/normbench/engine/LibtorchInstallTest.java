package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a libtorch in the documented order and reading its facts from real files. */
class LibtorchInstallTest {

    @TempDir Path tmp;

    @Test
    void probeReadsAWheelsVersionCudaHeadersAndInstallRoot() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cu130", "13.0", true);
        LibtorchInstall t = LibtorchInstall.probe(lib, null, "test");
        assertEquals("2.11.0+cu130", t.version());
        assertEquals("2.11.0", t.release());
        assertEquals("13.0", t.cudaVersion());
        assertEquals("cu130", t.flavor());
        assertTrue(t.versionSource().endsWith("version.py"), t.versionSource());
        assertEquals(
                List.of(
                        lib.resolveSibling("include"),
                        lib.resolveSibling("include").resolve("torch/csrc/api/include")),
                t.includeDirs());
        assertEquals(List.of(lib.getParent()), t.protectedRoots());
    }

    @Test
    void probeWithoutHeadersListsNone() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.7.1+cpu", null, false);
        LibtorchInstall t = LibtorchInstall.probe(lib, null, "test");
        assertEquals("cpu", t.flavor());
        assertFalse(t.cuda());
        assertTrue(t.includeDirs().isEmpty());
    }

    @Test
    void pytorchLibraryPathComesFirst() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("a"), "2.5.1+cpu", null, true);
        Path python =
                fakePython(
                        tmp.resolve("bin"),
                        FakeLibtorch.wheel(tmp.resolve("b"), "2.11.0+cu130", "13.0", true));
        List<String> log = new ArrayList<>();
        Optional<LibtorchInstall> t =
                LibtorchInstall.locate(
                        Map.of(
                                "PYTORCH_LIBRARY_PATH",
                                tmp.resolve("nothing") + File.pathSeparator + lib,
                                "PATH",
                                python.getParent().toString()),
                        List.of(),
                        log);
        assertEquals("2.5.1+cpu", t.orElseThrow().version());
        assertEquals("PYTORCH_LIBRARY_PATH", t.get().foundVia());
        assertTrue(log.get(0).contains("nothing"), log.toString());
    }

    @Test
    void firstPythonWhoseTorchImportsWinsAndFailuresAreLogged() throws Exception {
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Path noTorch = broken.resolve("python3");
        Files.writeString(
                noTorch,
                "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
        Files.setPosixFilePermissions(noTorch, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path good =
                fakePython(
                        tmp.resolve("bin"),
                        FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cu130", "13.0", true));
        List<String> log = new ArrayList<>();
        LibtorchInstall t =
                LibtorchInstall.locate(
                                Map.of("PATH", broken + File.pathSeparator + good.getParent()),
                                List.of(),
                                log)
                        .orElseThrow();
        assertEquals("2.11.0+cu130", t.version());
        assertTrue(t.foundVia().startsWith("python3 (" + good), t.foundVia());
        assertEquals(Boolean.TRUE, t.cxx11Abi(), "the ABI python reported");
        assertTrue(log.get(0).contains("No module named 'torch'"), log.toString());
    }

    @Test
    void systemDirectoriesComeLastAndAnEmptySearchSaysWhereItLooked() throws Exception {
        Path sys = tmp.resolve("usr-lib");
        Files.createDirectories(sys);
        List<String> log = new ArrayList<>();
        assertTrue(LibtorchInstall.locate(Map.of("PATH", ""), List.of(sys), log).isEmpty());
        assertTrue(log.get(log.size() - 1).contains(sys.toString()), log.toString());
        Files.writeString(sys.resolve(System.mapLibraryName("torch")), "");
        Files.writeString(sys.resolve(System.mapLibraryName("torch_cpu") + ".1.13.0"), "");
        Files.createSymbolicLink(
                sys.resolve(System.mapLibraryName("torch_cpu")),
                Path.of(System.mapLibraryName("torch_cpu") + ".1.13.0"));
        LibtorchInstall t =
                LibtorchInstall.locate(Map.of("PATH", ""), List.of(sys), new ArrayList<>())
                        .orElseThrow();
        assertEquals("1.13.0", t.version(), "from the versioned file name");
        assertEquals(
                List.of(sys), t.protectedRoots(), "a shared library directory is itself protected");
    }

    @Test
    void abiIsReadFromLibc10Symbols() throws Exception {
        Path c10 = tmp.resolve("libc10.so");
        Files.write(
                c10, "....._ZNKSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE....".getBytes());
        assertEquals(Boolean.TRUE, LibtorchInstall.abiFromLibrary(c10));
        Files.write(c10, "....._ZNKSs4sizeEv....".getBytes());
        assertEquals(Boolean.FALSE, LibtorchInstall.abiFromLibrary(c10));
        assertNull(LibtorchInstall.abiFromLibrary(tmp.resolve("absent.so")));
    }

    /**
     * A python3 script that answers the torch probe the way real python does for the wheel at
     * {@code lib}.
     */
    static Path fakePython(Path bin, Path lib) throws Exception {
        Files.createDirectories(bin);
        Path py = bin.resolve("python3");
        String version =
                LibtorchVersions.versionFromVersionPy(
                        Files.readString(lib.resolveSibling("version.py")));
        String cuda =
                LibtorchVersions.cudaFromVersionPy(
                        Files.readString(lib.resolveSibling("version.py")));
        Files.writeString(
                py,
                "#!/bin/sh\nprintf '%s\\n' '"
                        + version
                        + "' '"
                        + (cuda == null ? "" : cuda)
                        + "' 1 '"
                        + lib.getParent()
                        + "'\n");
        Files.setPosixFilePermissions(py, PosixFilePermissions.fromString("rwxr-xr-x"));
        return py;
    }
}
