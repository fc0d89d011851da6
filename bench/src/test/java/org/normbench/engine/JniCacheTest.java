package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where gpu-setup's builds and selection live. */
class JniCacheTest {

    @TempDir Path tmp;

    @Test
    void cacheRootFollowsNormbenchCacheThenXdg() {
        assertEquals(
                tmp.resolve("nb"),
                JniCache.root(
                        Map.of(
                                "NORMBENCH_CACHE",
                                tmp.resolve("nb").toString(),
                                "XDG_CACHE_HOME",
                                "/x")));
        assertEquals(
                tmp.resolve("xdg/normbench"),
                JniCache.root(Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString())));
        assertEquals(
                Path.of(System.getProperty("user.home"), ".cache", "normbench"),
                JniCache.root(Map.of()));
    }

    @Test
    void keyIsDjlVersionLibtorchReleaseAndFlavour() {
        assertEquals(
                tmp.resolve("jni/djl-0.36.0/libtorch-2.11.0-cu130"),
                JniCache.keyDir(tmp, "0.36.0", "2.11.0", "cu130"));
        assertEquals(
                tmp.resolve("jni/djl-0.36.0/libtorch-1.13.1-cpu"),
                JniCache.keyDir(tmp, "0.36.0", "1.13.1", "cpu"));
    }

    @Test
    void selectionRoundTripsAndResets() {
        assertTrue(JniCache.selected(tmp).isEmpty());
        JniCache.Selection s =
                new JniCache.Selection(
                        tmp.resolve("k/lib"),
                        "1.13.1",
                        "cpu",
                        Path.of("/usr/lib/x86_64-linux-gnu"));
        JniCache.select(tmp, s);
        assertEquals(s, JniCache.selected(tmp).orElseThrow());
        assertTrue(JniCache.unselect(tmp));
        assertFalse(JniCache.unselect(tmp));
        assertTrue(JniCache.selected(tmp).isEmpty());
    }
}
