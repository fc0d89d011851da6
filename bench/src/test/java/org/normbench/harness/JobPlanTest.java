package org.normbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobPlanTest {
    private static final long GIB = 1L << 30;

    @Test
    void jobsSplitTheCoresUnlessThreadsAreGiven() {
        assertEquals(
                new JobPlan(2, 1, "").threadsPerJob(),
                JobPlan.resolve("2", null, 2, 0, 24 * GIB, 0).threadsPerJob());
        JobPlan four = JobPlan.resolve("4", null, 16, 0, 64 * GIB, 0);
        assertEquals(4, four.jobs());
        assertEquals(4, four.threadsPerJob());
        assertEquals(
                1,
                JobPlan.resolve("3", null, 2, 0, 24 * GIB, 0).threadsPerJob(),
                "never below one thread");
        assertEquals(2, JobPlan.resolve("1", 2, 2, 0, 24 * GIB, 0).threadsPerJob());
        assertEquals(1, JobPlan.resolve(null, 1, 2, 0, 24 * GIB, 0).threadsPerJob());
        assertEquals(1, JobPlan.resolve(null, null, 2, 0, 24 * GIB, 0).jobs());
    }

    @Test
    void autoUsesOneCellPerCoreOnCpuBoundedByMemoryAndSeveralPerGpu() {
        JobPlan cpu = JobPlan.resolve("auto", null, 16, 0, 8 * GIB, 0);
        assertEquals(4, cpu.jobs(), "8 GiB / 2 GiB per cell");
        assertEquals(4, cpu.threadsPerJob());
        assertEquals(2, JobPlan.resolve("AUTO", null, 2, 0, 24 * GIB, 0).jobs());
        JobPlan gpu = JobPlan.resolve("auto", null, 32, 2, 64 * GIB, 80 * GIB);
        assertEquals(16, gpu.jobs(), "8 per GPU on two GPUs");
        assertEquals(
                8,
                JobPlan.resolve("auto", null, 8, 2, 64 * GIB, 80 * GIB).jobs(),
                "no more jobs than host cores");
        assertEquals(
                2,
                JobPlan.resolve("auto", null, 32, 1, 64 * GIB, 5 * GIB).jobs(),
                "5 GiB GPU: two 2 GiB cells");
        assertTrue(gpu.reason().startsWith("auto"), gpu.reason());
    }

    @Test
    void badValuesAreRejectedWithTheAllowedForms() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> JobPlan.resolve("two", null, 2, 0, GIB, 0));
        assertTrue(
                e.getMessage().contains("'auto'") && e.getMessage().contains("'two'"),
                e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> JobPlan.resolve("0", null, 2, 0, GIB, 0));
        assertThrows(IllegalArgumentException.class, () -> JobPlan.resolve("2", 0, 2, 0, GIB, 0));
    }
}
