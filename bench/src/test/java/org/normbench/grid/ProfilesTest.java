package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProfilesTest {

    @Test
    void autoRunsCpuSmokeWhenNoCudaDeviceIsVisibleAndSaysWhy() {
        Profiles.Choice choice = Profiles.resolve("auto", 0);

        assertEquals("cpu-smoke", choice.profile());
        assertEquals(Path.of("bench", "grids", "cpu-smoke.yaml"), choice.gridFile());
        assertEquals(
                "Profile auto: no CUDA device is visible, so running 'cpu-smoke' (bench/grids/cpu-smoke.yaml);"
                        + " set PROFILE=full to override.",
                choice.reason());
    }

    @Test
    void autoRunsFullWhenACudaDeviceIsVisible() {
        Profiles.Choice choice = Profiles.resolve("auto", 2);

        assertEquals("full", choice.profile());
        assertEquals(Path.of("bench", "grids", "full.yaml"), choice.gridFile());
        assertTrue(
                choice.reason()
                        .startsWith("Profile auto: 2 CUDA devices are visible, so running 'full'"),
                choice.reason());
    }

    @Test
    void explicitProfileIsHonouredAndWarnsWhenItsGpuCellsCannotRun() {
        assertEquals("cpu-smoke", Profiles.resolve("cpu-smoke", 1).profile());
        Profiles.Choice study = Profiles.resolve("cpu-study", 0);
        assertEquals("cpu-study", study.profile());
        assertEquals(Path.of("bench", "grids", "cpu-study.yaml"), study.gridFile());
        assertEquals(
                "Profile cpu-study as requested (bench/grids/cpu-study.yaml).", study.reason());
        Profiles.Choice full = Profiles.resolve("FULL", 0);

        assertEquals("full", full.profile());
        assertTrue(full.reason().contains("Warning: no CUDA device is visible"), full.reason());
    }

    @Test
    void unknownProfileListsTheKnownOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Profiles.resolve("fulll", 0));

        assertEquals(
                "unknown profile 'fulll'; allowed: auto, cpu-smoke, cpu-study, full, lesson10 (or give a grid file with GRID=<file.yaml> / --grid)",
                e.getMessage());
    }

    @Test
    void everyConcreteProfileHasAShippedGrid() {
        for (String name : Profiles.NAMES) {
            Path file = Profiles.resolve(name, 0, ShippedGridsTest.gridsDir()).gridFile();
            assertTrue(Files.isRegularFile(file), file.toString());
        }
    }
}
