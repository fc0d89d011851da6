package org.normbench.analysis.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfidenceIntervalTest {

    /**
     * Two-sided 95% critical values from standard t tables (e.g. NIST/SEMATECH e-Handbook
     * 1.3.6.7.2).
     */
    @ParameterizedTest
    @CsvSource({
        "1, 12.7062047",
        "2, 4.30265273",
        "4, 2.77644511",
        "10, 2.22813885",
        "30, 2.04227246",
        "1000, 1.96233908"
    })
    void tQuantileMatchesTables(int df, double expected) {
        assertEquals(expected, ConfidenceInterval.tQuantile(0.975, df), 1e-6);
    }

    @Test
    void threeSeedsUseTwoDegreesOfFreedom() {
        // mean 2, sample sd 1, n 3: half-width = 4.30265273 / sqrt(3)
        ConfidenceInterval ci = ConfidenceInterval.of95(new double[] {1, 2, 3});
        assertEquals(2.0, ci.mean(), 1e-12);
        assertEquals(4.30265273 / Math.sqrt(3), ci.halfWidth(), 1e-7);
        assertEquals(3, ci.n());
        assertEquals(2.0 - 2.48414, ci.lower(), 1e-5);
    }

    @Test
    void twoSeedsGiveTheWideTwelvePointSevenInterval() {
        // values 10 and 12: sd = sqrt(2), half = 12.7062047 * sqrt(2) / sqrt(2)
        ConfidenceInterval ci = ConfidenceInterval.of95(new double[] {10, 12});
        assertEquals(11.0, ci.mean(), 1e-12);
        assertEquals(12.7062047, ci.halfWidth(), 1e-6);
    }

    @Test
    void oneSeedHasMeanButNoInterval() {
        ConfidenceInterval ci = ConfidenceInterval.of95(new double[] {7.5});
        assertEquals(7.5, ci.mean());
        assertEquals(1, ci.n());
        assertFalse(ci.hasInterval());
        assertTrue(Double.isNaN(ci.halfWidth()));
    }

    @Test
    void missingValuesAreIgnoredNotCountedAsZero() {
        ConfidenceInterval ci =
                ConfidenceInterval.of95(new double[] {Double.NaN, 1, 2, 3, Double.NaN});
        assertEquals(3, ci.n());
        assertEquals(2.0, ci.mean(), 1e-12);
    }

    @Test
    void noValuesGiveNoMean() {
        ConfidenceInterval ci = ConfidenceInterval.of95(new double[] {Double.NaN});
        assertEquals(0, ci.n());
        assertTrue(Double.isNaN(ci.mean()));
    }

    @Test
    void levelOutsideZeroOneIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ConfidenceInterval.of(new double[] {1, 2}, 95));
    }
}
