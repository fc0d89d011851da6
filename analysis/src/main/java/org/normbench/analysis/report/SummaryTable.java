package org.normbench.analysis.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.normbench.analysis.figures.Variants;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.stats.ConfidenceInterval;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The summary table people read first: for each setting (dataset, width, device) x norm x
 * activation x batch size of the train cells, test error mean and 95% CI half-width over the ok
 * seeds, n, and how many cells ended in each status. A Tablesaw table, so it can also be written as
 * CSV next to the report.
 */
public final class SummaryTable {
    private SummaryTable() {}

    public static Table of(List<Cell> cells) {
        StringColumn setting = StringColumn.create("setting");
        StringColumn norm = StringColumn.create("norm");
        StringColumn activation = StringColumn.create("activation");
        IntColumn batch = IntColumn.create("batch_size");
        IntColumn n = IntColumn.create("n_ok_seeds");
        DoubleColumn mean = DoubleColumn.create("test_error_pct_mean");
        DoubleColumn half = DoubleColumn.create("test_error_pct_ci95_halfwidth");
        StringColumn statuses = StringColumn.create("status_counts");
        List<Cell> all = cells.stream().filter(Cell::isTrain).toList();
        for (String set : all.stream().map(Cell::setting).distinct().sorted().toList()) {
            List<Cell> train = all.stream().filter(c -> c.setting().equals(set)).toList();
            for (String nm : Variants.orderNorms(train.stream().map(Cell::norm).toList())) {
                for (String act :
                        Variants.orderActivations(train.stream().map(Cell::activation).toList())) {
                    Map<Integer, List<Cell>> byBatch = new TreeMap<>();
                    train.stream()
                            .filter(c -> c.norm().equals(nm) && c.activation().equals(act))
                            .forEach(
                                    c ->
                                            byBatch.computeIfAbsent(
                                                            c.batchSize(), k -> new ArrayList<>())
                                                    .add(c));
                    for (Map.Entry<Integer, List<Cell>> e : byBatch.entrySet()) {
                        double[] errors =
                                e.getValue().stream()
                                        .filter(Cell::isOk)
                                        .mapToDouble(Cell::testErrorPercent)
                                        .toArray();
                        ConfidenceInterval ci = ConfidenceInterval.of95(errors);
                        setting.append(set);
                        norm.append(nm);
                        activation.append(act);
                        batch.append(e.getKey());
                        n.append(ci.n());
                        mean.append(ci.mean());
                        half.append(ci.halfWidth());
                        statuses.append(statusCounts(e.getValue()));
                    }
                }
            }
        }
        return Table.create("summary", setting, norm, activation, batch, n, mean, half, statuses);
    }

    static String statusCounts(List<Cell> cells) {
        StringBuilder sb = new StringBuilder();
        for (String status : Cell.STATUSES) {
            long count = cells.stream().filter(c -> c.status().equals(status)).count();
            if (count > 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append(status).append(' ').append(count);
            }
        }
        return sb.toString();
    }

    /** "12.34 ± 0.56" (two decimals), "12.34 (n = 1, no CI)" or "-" when nothing finished. */
    public static String formatMeanCi(double mean, double halfWidth, int n) {
        if (n == 0 || Double.isNaN(mean)) {
            return "-";
        }
        if (n == 1 || Double.isNaN(halfWidth)) {
            return String.format(Locale.ROOT, "%.2f (n = 1, no CI)", mean);
        }
        return String.format(Locale.ROOT, "%.2f \u00b1 %.2f", mean, halfWidth);
    }
}
