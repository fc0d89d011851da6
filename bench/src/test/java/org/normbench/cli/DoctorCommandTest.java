package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.normbench.engine.BackwardThread;
import org.normbench.model.norms.RunningBatchNormBlock;

/**
 * {@code normbench doctor} on the CPU: the conv check, rbn's optimised step checked where the
 * setting runs it optimised, and a setting bench would refuse reported as a failure, not a stack
 * trace.
 */
class DoctorCommandTest {

    private static InProcessCli.Outcome doctorWith(String fuse) {
        return doctorWith(RunningBatchNormBlock.FUSE_PROPERTY, fuse);
    }

    private static InProcessCli.Outcome doctorWith(String key, String value) {
        if (value != null) {
            System.setProperty(key, value);
        }
        try {
            return InProcessCli.run("doctor");
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void theCpuPassesAndRbnIsCheckedOnlyWhereItRunsOptimised() {
        InProcessCli.Outcome plain = doctorWith(null);
        assertEquals(0, plain.code(), plain.log());
        assertTrue(plain.out().contains("conv fwd+bwd OK"), plain.out());
        assertFalse(plain.out().contains("rbn optimised step"), "off on CPU by default");

        InProcessCli.Outcome on = doctorWith("on");
        assertEquals(0, on.code(), on.log());
        assertTrue(on.out().contains("rbn optimised step OK, passed: 9 steps"), on.out());
    }

    @Test
    void anUnknownFuseSettingFailsTheDoctorWithTheAllowedValues() {
        InProcessCli.Outcome o = doctorWith("always");
        assertEquals(1, o.code(), o.log());
        assertTrue(
                o.out()
                        .contains(
                                "rbn fuse      FAIL -Dnormbench.rbn.fuse=always: allowed values"
                                        + " are gpu, on, off"),
                o.out());
        assertFalse(o.log().contains("\tat "), "no stack trace:\n" + o.log());
        assertTrue(o.out().contains("doctor: FAILED"), o.out());
    }

    @Test
    void anUnknownBackwardThreadSettingFailsTheDoctorWithTheAllowedValues() {
        InProcessCli.Outcome o = doctorWith(BackwardThread.PROPERTY, "device");
        assertEquals(1, o.code(), o.log());
        assertTrue(
                o.out()
                        .contains(
                                "backward      FAIL -Dnormbench.backward.thread=device: allowed"
                                        + " values are cell, autograd"),
                o.out());
        assertFalse(o.log().contains("\tat "), "no stack trace:\n" + o.log());
    }
}
