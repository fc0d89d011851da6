package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The settings records compute what the training loop needs and refuse values the parser never
 * produces.
 */
class SettingsRecordsTest {

    @Test
    void epochBudgetRoundsToWholeStepsAndTrainsAtLeastOne() {
        assertEquals(300, Budget.epochs(1).totalSteps(300));
        assertEquals(750, Budget.epochs(2.5).totalSteps(300));
        assertEquals(1, Budget.epochs(0.001).totalSteps(10));
        assertEquals(40, Budget.steps(40).totalSteps(7), "a step budget ignores the epoch length");
    }

    @Test
    void learningRateScalesLinearlyWithBatchSize() {
        LrRule rule = new LrRule(0.1, 128, 0.05, "cosine");

        assertEquals(0.1, rule.scaledLr(128), 1e-15);
        assertEquals(0.2, rule.scaledLr(256), 1e-15);
        assertEquals(0.0015625, rule.scaledLr(2), 1e-15);
    }

    @Test
    void recordsRejectValuesOutsideTheirRange() {
        assertThrows(IllegalArgumentException.class, () -> Budget.steps(0));
        assertThrows(IllegalArgumentException.class, () -> new Budget(Budget.Unit.STEPS, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new LrRule(0.1, 128, 0, "step"));
        assertThrows(
                IllegalArgumentException.class, () -> new HookSettings(true, 1, "*", 40, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new DataLimits(0, 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerSettings(1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ThroughputSettings(0, 0));
    }
}
