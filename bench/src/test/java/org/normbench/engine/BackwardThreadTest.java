package org.normbench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Where backward passes run, as far as a machine without a GPU can tell: nothing changes on CPU,
 * DJL's prebuilt JNI (which the CPU tests load) lacks normbench's symbol and is recorded as
 * libtorch's autograd thread, and the setting is read and refused like rbn's fuse setting. The
 * native side runs in the gpu-tagged GpuCellThreadsTest.
 */
class BackwardThreadTest {

    @Test
    void theCpuAndDjlsPrebuiltJniChangeNothing() {
        TorchRuntime.engine();
        assertFalse(BackwardThread.runOnThisThread(Device.cpu()), "nothing to change on CPU");
        assertNull(BackwardThread.mode(false), "no CUDA, nothing recorded");
        assertEquals(
                "autograd",
                BackwardThread.mode(true),
                "DJL's prebuilt JNI has no normbench_autograd_set_multithreading");
        assertEquals(Optional.empty(), BackwardThread.runsOnThisThread());
    }

    @Test
    void theSettingDefaultsToTheCellThreadAndRefusesUnknownValues() {
        String env = System.getenv(BackwardThread.ENV);
        assertEquals(env == null ? "cell" : env.trim(), BackwardThread.setting());
        System.setProperty(BackwardThread.PROPERTY, " autograd ");
        try {
            assertEquals("autograd", BackwardThread.setting());
            System.setProperty(BackwardThread.PROPERTY, "gpu");
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, BackwardThread::setting);
            assertEquals(
                    "-Dnormbench.backward.thread=gpu: allowed values are cell, autograd",
                    e.getMessage());
        } finally {
            System.clearProperty(BackwardThread.PROPERTY);
        }
    }
}
