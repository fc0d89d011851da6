package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeviceSlotsTest {
    @Test
    void autoCellsGoToTheLeastBusyGpuAndWaitWhenAllAreFull() throws Exception {
        DeviceSlots slots = new DeviceSlots(DeviceSlots.poolFor(2), 2);
        assertEquals("gpu:0", slots.acquire("auto"));
        assertEquals("gpu:1", slots.acquire("auto"));
        assertEquals("gpu:0", slots.acquire("auto"));
        assertEquals("gpu:1", slots.acquire("auto"));
        CompletableFuture<String> waiting =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return slots.acquire("auto");
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        Thread.sleep(200);
        assertFalse(waiting.isDone(), "every GPU runs 2 cells: the next one waits");
        slots.release("gpu:1");
        assertEquals("gpu:1", waiting.get(10, TimeUnit.SECONDS), "placed where a slot freed up");
        assertEquals(2, slots.running("gpu:0"));
    }

    @Test
    void namedDevicesAreHonouredAndCountedWhenInThePool() throws Exception {
        DeviceSlots slots = new DeviceSlots(List.of("gpu:0", "gpu:1"), 1);
        assertEquals("gpu:1", slots.acquire("gpu:1"));
        assertEquals("gpu:0", slots.acquire("auto"), "gpu:1 is full");
        assertEquals("cpu", slots.acquire("cpu"), "outside the pool: runs where it asked, no slot");
        slots.release("cpu");
        slots.release("gpu:1");
        assertEquals(0, slots.running("gpu:1"));
        assertTrue(DeviceSlots.poolFor(0).equals(List.of("cpu")));
    }

    @Test
    void cellsThatAllNameOneGpuOfSeveralAreWarnedAbout() {
        List<String> pinned = List.of("gpu:0", "gpu:0", "cpu");
        String w = DeviceSlots.idleGpusWarning(pinned, 4, 8);
        assertTrue(
                w != null
                        && w.startsWith(
                                "warning: every GPU cell names gpu:0, so 3 of the 4 visible")
                        && w.contains("devices: [auto]"),
                String.valueOf(w));
        assertEquals(null, DeviceSlots.idleGpusWarning(pinned, 1, 8), "one GPU: nothing idle");
        assertEquals(null, DeviceSlots.idleGpusWarning(pinned, 4, 1), "one job: one GPU busy");
        assertEquals(
                null,
                DeviceSlots.idleGpusWarning(List.of("gpu:0", "auto"), 4, 8),
                "auto cells spread");
        assertEquals(
                null,
                DeviceSlots.idleGpusWarning(List.of("gpu:0", "gpu:1"), 2, 8),
                "every GPU named");
        assertEquals(null, DeviceSlots.idleGpusWarning(List.of("cpu"), 4, 8), "no GPU cells");
    }
}
