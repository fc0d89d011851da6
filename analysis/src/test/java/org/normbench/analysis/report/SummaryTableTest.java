package org.normbench.analysis.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.analysis.load.Cell;
import tech.tablesaw.api.Table;

class SummaryTableTest {
    private static Cell cell(String width, int seed, String status, double accuracy) {
        return new Cell(
                "c-" + width + "-" + seed,
                "train",
                "bn",
                "relu",
                8,
                "cpu",
                seed,
                width,
                "cifar10",
                "djl",
                status,
                status.equals("ok") ? "" : "boom",
                0.1,
                0.2,
                accuracy,
                1,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                "linear_scaling",
                false,
                "resnet18");
    }

    @Test
    void settingsAreNeverAveragedTogetherAndFailedSeedsOnlyCounted() {
        Table t =
                SummaryTable.of(
                        List.of(
                                cell("1.0", 0, "ok", 0.90),
                                cell("1.0", 1, "ok", 0.92),
                                cell("1.0", 2, "diverged", Double.NaN),
                                cell("0.25", 0, "ok", 0.80)));
        assertEquals(2, t.rowCount());
        assertEquals("resnet18, cifar10, width 0.25, cpu", t.stringColumn("setting").get(0));
        assertEquals(1, t.intColumn("n_ok_seeds").getInt(0));
        assertEquals(20.0, t.doubleColumn("test_error_pct_mean").getDouble(0), 1e-9);
        assertEquals("resnet18, cifar10, width 1.0, cpu", t.stringColumn("setting").get(1));
        assertEquals(2, t.intColumn("n_ok_seeds").getInt(1));
        assertEquals(9.0, t.doubleColumn("test_error_pct_mean").getDouble(1), 1e-9);
        assertEquals(
                12.7062047, t.doubleColumn("test_error_pct_ci95_halfwidth").getDouble(1), 1e-6);
        assertEquals("ok 2, diverged 1", t.stringColumn("status_counts").get(1));
    }

    @Test
    void meanAndIntervalAreFormattedForPeople() {
        assertEquals("12.35 \u00b1 0.57", SummaryTable.formatMeanCi(12.345, 0.567, 3));
        assertEquals("7.50 (n = 1, no CI)", SummaryTable.formatMeanCi(7.5, Double.NaN, 1));
        assertEquals("-", SummaryTable.formatMeanCi(Double.NaN, Double.NaN, 0));
    }
}
