package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceSpecTest {

    @ParameterizedTest
    @CsvSource({
        "cpu,cpu",
        "CPU,cpu",
        "gpu,gpu:0",
        "cuda,gpu:0",
        "gpu:1,gpu:1",
        "cuda:3,gpu:3",
        "auto,auto",
        " gpu:0 ,gpu:0"
    })
    void parsesTheNamesUsersType(String text, String expected) {
        assertEquals(expected, DeviceSpec.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tpu", "gpu:", "gpu:-1", "gpu:x", "cpu:0", "gpu:1:2"})
    void rejectsUnknownNamesListingTheAllowedOnes(String text) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DeviceSpec.parse(text));
        assertTrue(e.getMessage().contains(DeviceSpec.ALLOWED), e.getMessage());
    }

    @Test
    void autoPicksFirstGpuWhenOneIsVisibleElseCpu() {
        assertEquals(DeviceSpec.gpu(0), DeviceSpec.auto().resolve(2));
        assertEquals(DeviceSpec.cpu(), DeviceSpec.auto().resolve(0));
    }

    @Test
    void explicitGpuNeverFallsBackToCpu() {
        IllegalStateException none =
                assertThrows(IllegalStateException.class, () -> DeviceSpec.gpu(0).resolve(0));
        assertTrue(none.getMessage().contains("no CUDA GPU is visible"), none.getMessage());
        IllegalStateException tooFew =
                assertThrows(IllegalStateException.class, () -> DeviceSpec.gpu(2).resolve(2));
        assertTrue(tooFew.getMessage().contains("gpu:0..gpu:1"), tooFew.getMessage());
        assertEquals(DeviceSpec.gpu(1), DeviceSpec.gpu(1).resolve(2));
    }

    @Test
    void doctorExercisesCpuAndEveryVisibleGpu() {
        assertEquals(List.of(DeviceSpec.cpu()), DeviceSpec.allVisible(0));
        assertEquals(
                List.of(DeviceSpec.cpu(), DeviceSpec.gpu(0), DeviceSpec.gpu(1)),
                DeviceSpec.allVisible(2));
    }
}
