package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The version, flavour and ABI texts of real libtorch installs, and DJL's per-version defines. */
class LibtorchVersionsTest {

    @Test
    void releaseDropsLocalAndPreReleaseParts() {
        assertEquals("2.11.0", LibtorchVersions.release("2.11.0+cu130"));
        assertEquals("1.13.0", LibtorchVersions.release("1.13.0a0+gitunknown"));
        assertEquals("1.13.1", LibtorchVersions.release("1.13.1+dfsg-4"));
        assertEquals("2.7.1", LibtorchVersions.release("2.7.1"));
        assertNull(LibtorchVersions.release("unknown"));
        assertTrue(LibtorchVersions.sameRelease("2.7.1+cu128", "2.7.1"));
        assertFalse(LibtorchVersions.sameRelease("2.11.0+cu130", "2.7.1"));
        assertFalse(LibtorchVersions.sameRelease("unknown", "unknown"));
    }

    @Test
    void cudaFlavourFromLocalTagAndVersion() {
        assertEquals("13.0", LibtorchVersions.cudaFromLocalTag("2.11.0+cu130"));
        assertEquals("12.8", LibtorchVersions.cudaFromLocalTag("2.7.1+cu128"));
        assertNull(LibtorchVersions.cudaFromLocalTag("2.7.1+cpu"));
        assertEquals("cu130", LibtorchVersions.flavor("13.0"));
        assertEquals("cu128", LibtorchVersions.flavor("12.8"));
        assertEquals("cu117", LibtorchVersions.flavor("11.7"));
        assertEquals("cpu", LibtorchVersions.flavor(null));
        assertEquals("cuda", LibtorchVersions.flavor("unknown"));
    }

    @Test
    void readsTorchVersionPyOfCudaAndCpuWheels() {
        String cuda =
                "from typing import Optional\n__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']\n"
                        + "__version__ = '2.11.0+cu130'\ndebug = False\ncuda: Optional[str] = '13.0'\ngit_version = 'abc'\nhip: Optional[str] = None\n";
        assertEquals("2.11.0+cu130", LibtorchVersions.versionFromVersionPy(cuda));
        assertEquals("13.0", LibtorchVersions.cudaFromVersionPy(cuda));
        String cpu = "__version__ = '2.7.1+cpu'\ndebug = False\ncuda: Optional[str] = None\n";
        assertEquals("2.7.1+cpu", LibtorchVersions.versionFromVersionPy(cpu));
        assertNull(LibtorchVersions.cudaFromVersionPy(cpu));
    }

    @Test
    void readsCmakeConfigSonameAndDjlCacheDirectory() {
        assertEquals(
                "1.13.0",
                LibtorchVersions.versionFromCmake("set(PACKAGE_VERSION \"1.13.0\")\nif(...)"));
        assertEquals(
                Boolean.TRUE,
                LibtorchVersions.cxx11AbiFromCmake(
                        "  set(TORCH_CXX_FLAGS \"-D_GLIBCXX_USE_CXX11_ABI=1\")"));
        assertEquals(
                Boolean.FALSE,
                LibtorchVersions.cxx11AbiFromCmake(
                        "set(TORCH_CXX_FLAGS \"-D_GLIBCXX_USE_CXX11_ABI=0\")"));
        assertNull(LibtorchVersions.cxx11AbiFromCmake("no flags"));
        assertEquals("1.13.0", LibtorchVersions.versionFromSoname("libtorch_cpu.so.1.13.0"));
        assertNull(LibtorchVersions.versionFromSoname("libtorch_cpu.so"));
        assertArrayEquals(
                new String[] {"2.7.1", "cpu"},
                LibtorchVersions.fromDjlCacheDirName("2.7.1-20250812-cpu-linux-x86_64"));
        assertArrayEquals(
                new String[] {"2.7.1", "cu128"},
                LibtorchVersions.fromDjlCacheDirName("2.7.1-cu128-linux-x86_64"));
        assertNull(LibtorchVersions.fromDjlCacheDirName("lib"));
    }

    @Test
    void djlDefinesFollowItsBuildScript() {
        assertEquals(List.of("V1_13_X"), LibtorchVersions.jniDefines("1.13.1", false));
        assertEquals(
                List.of("V1_13_X", "USE_CUDA"), LibtorchVersions.jniDefines("2.0.1+cu118", true));
        assertEquals(List.of("V1_13_X"), LibtorchVersions.jniDefines("2.1.2", false));
        assertEquals(List.of(), LibtorchVersions.jniDefines("2.7.1", false));
        assertEquals(List.of("USE_CUDA"), LibtorchVersions.jniDefines("2.11.0+cu130", true));
        assertTrue(LibtorchVersions.buildableByDjl("1.13.1"));
        assertTrue(LibtorchVersions.buildableByDjl("2.11.0"));
        assertFalse(LibtorchVersions.buildableByDjl("1.12.1"));
        assertFalse(LibtorchVersions.buildableByDjl("unknown"));
    }
}
