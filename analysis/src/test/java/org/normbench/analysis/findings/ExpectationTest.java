package org.normbench.analysis.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.normbench.analysis.stats.Difference;

class ExpectationTest {
    private static Difference ci(double low, double high, int n) {
        return new Difference((low + high) / 2, low, high, n, Difference.PAIRED);
    }

    @Test
    void aDirectionIsReproducedOnlyWhenTheWholeIntervalIsOnItsSide() {
        Expectation negative = Expectation.negative();
        assertEquals(Verdict.REPRODUCED, negative.judge(ci(-0.3, -0.1, 3)).verdict());
        assertEquals(Verdict.CONTRADICTED, negative.judge(ci(0.1, 0.3, 3)).verdict());
        assertEquals(Verdict.INCONCLUSIVE, negative.judge(ci(-0.3, 0.1, 3)).verdict());
        assertEquals(
                Verdict.INCONCLUSIVE,
                negative.judge(ci(-0.3, 0.0, 3)).verdict(),
                "an end at 0 spans 0");
        assertEquals(Verdict.REPRODUCED, Expectation.positive().judge(ci(0.01, 0.02, 5)).verdict());
        assertEquals(
                Verdict.CONTRADICTED, Expectation.positive().judge(ci(-0.02, -0.01, 5)).verdict());
    }

    @Test
    void fewerThanThreeSeedsIsInconclusiveHoweverClearTheEffect() {
        Expectation.Judgement j = Expectation.negative().judge(ci(-0.5, -0.4, 2));
        assertEquals(Verdict.INCONCLUSIVE, j.verdict());
        assertEquals("2 seeds; a verdict needs at least 3", j.reason());
        assertEquals(
                Verdict.INCONCLUSIVE,
                Expectation.negative()
                        .judge(new Difference(-0.5, Double.NaN, Double.NaN, 1, Difference.NONE))
                        .verdict());
        assertEquals(
                Verdict.NOT_EVALUABLE,
                Expectation.negative()
                        .judge(
                                new Difference(
                                        Double.NaN, Double.NaN, Double.NaN, 0, Difference.NONE))
                        .verdict());
    }

    @Test
    void noDegradationIsJudgedAgainstTheDeclaredMarginNotAgainstZero() {
        Expectation holds = Expectation.notBelow(0.02);
        assertEquals(">= -0.02", holds.label());
        assertEquals(
                Verdict.REPRODUCED,
                holds.judge(ci(-0.015, 0.01, 3)).verdict(),
                "spans 0 but stays above -0.02");
        assertEquals(
                Verdict.REPRODUCED,
                holds.judge(ci(0.05, 0.1, 3)).verdict(),
                "better at small batch is not worse");
        assertEquals(Verdict.INCONCLUSIVE, holds.judge(ci(-0.03, 0.01, 3)).verdict());
        assertEquals(Verdict.CONTRADICTED, holds.judge(ci(-0.09, -0.03, 3)).verdict());
    }
}
