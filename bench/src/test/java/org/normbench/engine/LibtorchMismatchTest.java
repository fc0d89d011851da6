package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up refuses a libtorch whose version the JNI was not built for, before DJL loads anything,
 * and says how to fix it. Runs on fake installs, so the engine of this JVM is never touched.
 */
class LibtorchMismatchTest {

    @TempDir Path tmp;

    @Test
    void newerLibtorchWithThePrebuiltJniIsRefusedWithTheFix() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cu130", "13.0", true);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> TorchRuntime.checkJniMatches(lib));
        String msg = e.getMessage();
        assertTrue(msg.startsWith("libtorch/JNI version mismatch"), msg);
        assertTrue(
                msg.contains("is 2.11.0+cu130")
                        && msg.contains("prebuilt JNI for libtorch " + Versions.libtorchPinned()),
                msg);
        assertTrue(msg.contains("make gpu-setup"), msg);
    }

    @Test
    void pinnedReleaseWithThePrebuiltJniPasses() throws Exception {
        TorchRuntime.checkJniMatches(
                FakeLibtorch.wheel(
                        tmp.resolve("site"), Versions.libtorchPinned() + "+cu128", "12.8", true));
    }

    @Test
    void aGpuSetupBuildIsCheckedAgainstWhatItWasBuiltFor() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cu130", "13.0", true);
        Path key = tmp.resolve("cache/jni/djl-0.36.0/libtorch-2.11.0-cu130");
        Files.createDirectories(key);
        Files.writeString(key.resolve(JniCache.JNI_FILE), "");
        Properties p = new Properties();
        p.setProperty("libtorch.version", "2.11.0+cu130");
        p.setProperty("flavor", "cu130");
        p.setProperty("djl.version", "0.36.0");
        p.setProperty("libtorch.dir", lib.toString());
        JniCache.store(key.resolve(JniCache.BUILD_FILE), p, "test");
        Path links = key.resolve("lib");
        Files.createDirectories(links);
        Files.createSymbolicLink(
                links.resolve(System.mapLibraryName("torch")),
                lib.resolve(System.mapLibraryName("torch")));
        Files.createSymbolicLink(
                links.resolve(System.mapLibraryName("torch_cpu")),
                lib.resolve(System.mapLibraryName("torch_cpu")));
        Files.createSymbolicLink(
                links.resolve(JniCache.JNI_FILE), Path.of("..", JniCache.JNI_FILE));
        TorchRuntime.checkJniMatches(links);
        Files.writeString(
                lib.resolveSibling("version.py"), "__version__ = '2.12.0+cu130'\ncuda = '13.0'\n");
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class, () -> TorchRuntime.checkJniMatches(links));
        assertTrue(
                e.getMessage().contains("built by gpu-setup for libtorch 2.11.0+cu130"),
                e.getMessage());
    }

    @Test
    void selectionIsIgnoredWhenPytorchLibraryPathIsSetOrTheBundledOneIsAskedFor() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cpu", null, true);
        JniCache.select(tmp.resolve("cache"), new JniCache.Selection(lib, "2.11.0", "cpu", lib));
        assertEquals(
                lib, TorchRuntime.chooseLibrary(Map.of("PYTORCH_LIBRARY_PATH", lib.toString())));
        String before = System.getProperty(TorchRuntime.BUNDLED_SWITCH);
        System.setProperty(TorchRuntime.BUNDLED_SWITCH, "bundled");
        try {
            assertNull(
                    TorchRuntime.chooseLibrary(
                            Map.of("NORMBENCH_CACHE", tmp.resolve("cache").toString())));
        } finally {
            if (before == null) {
                System.clearProperty(TorchRuntime.BUNDLED_SWITCH);
            } else {
                System.setProperty(TorchRuntime.BUNDLED_SWITCH, before);
            }
        }
    }

    @Test
    void aSelectionThatIsGoneSaysToRerunGpuSetup() {
        Path gone = tmp.resolve("gone/lib");
        JniCache.select(tmp.resolve("cache"), new JniCache.Selection(gone, "2.11.0", "cpu", gone));
        String before = System.getProperty(TorchRuntime.BUNDLED_SWITCH);
        System.clearProperty(TorchRuntime.BUNDLED_SWITCH);
        try {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    TorchRuntime.chooseLibrary(
                                            Map.of(
                                                    "NORMBENCH_CACHE",
                                                    tmp.resolve("cache").toString())));
            assertTrue(e.getMessage().contains("gpu-setup --reset"), e.getMessage());
        } finally {
            if (before != null) {
                System.setProperty(TorchRuntime.BUNDLED_SWITCH, before);
            }
        }
    }
}
