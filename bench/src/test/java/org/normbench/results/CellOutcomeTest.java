package org.normbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normbench.grid.CellSpec;
import org.normbench.grid.GridParser;
import org.normbench.harness.RegistryVocabulary;

/**
 * The cell outcome record's columns, setters and getters address the same values: a row built by
 * name is written and read back under the right column, so two same-typed columns cannot trade
 * values unnoticed.
 */
class CellOutcomeTest {

    /** Distinct text for column {@code i}, valid for its type. */
    private static String sample(CellOutcome.Column<?> c, int i) {
        CellOutcome.Type<?> t = c.type();
        if (t == CellOutcome.Type.STRING) {
            return "v" + i;
        } else if (t == CellOutcome.Type.INT || t == CellOutcome.Type.LONG) {
            return Integer.toString(100 + i);
        } else if (t == CellOutcome.Type.DOUBLE) {
            return (100 + i) + ".5";
        }
        // a closed set: its last value (each such type is used by one column only)
        String doc = t.doc();
        return doc.substring(doc.lastIndexOf('`', doc.length() - 2) + 1, doc.length() - 1);
    }

    @Test
    void everyColumnReadsBackTheValueItsSetterStored() {
        Map<String, String> text = new HashMap<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CellOutcome.COLUMNS.size(); i++) {
            CellOutcome.Column<?> c = CellOutcome.COLUMNS.get(i);
            text.put(c.name(), sample(c, i));
            expected.add(sample(c, i));
        }
        CellOutcome row = CellOutcome.read(text::get);
        List<String> written = row.csvValues().stream().map(v -> RunDirectory.format(v)).toList();
        assertEquals(expected, written);
        assertEquals(CellOutcome.header(), new ArrayList<>(row.asMap().keySet()));
    }

    @Test
    void everyComponentOfTheRecordIsAColumnInOrder() {
        List<String> components =
                Arrays.stream(CellOutcome.class.getRecordComponents())
                        .map(rc -> rc.getName().replaceAll("([A-Z0-9]+)", "_$1").toLowerCase())
                        .toList();
        assertEquals(CellOutcome.header(), components);
    }

    @Test
    void unsetColumnsAreEmptyFieldsAndIntegersStayIntegers() {
        CellOutcome row = new CellOutcome.Builder().cellId("a").steps(8).seed(3L).build();
        List<Object> values = row.csvValues();
        assertEquals("8", RunDirectory.format(values.get(CellOutcome.header().indexOf("steps"))));
        assertEquals("3", RunDirectory.format(values.get(CellOutcome.header().indexOf("seed"))));
        assertNull(values.get(CellOutcome.header().indexOf("test_accuracy")));
        assertNull(row.status());
    }

    @Test
    void theSpecColumnsAreThoseTheCellSpecDecides() throws Exception {
        CellSpec cell =
                GridParser.parse(
                                Path.of("../bench/grids/cpu-smoke.yaml"),
                                RegistryVocabulary.current())
                        .cells()
                        .get(0);
        Map<String, Object> row = CellOutcome.builder(cell).build().asMap();
        cell.columns()
                .forEach(
                        (k, v) -> {
                            assertTrue(row.containsKey(k), k + " is no cells.csv column");
                            assertEquals(v, row.get(k), k);
                        });
    }

    @Test
    void aValueOutsideAClosedSetIsRejectedWithItsColumn() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CellOutcome.read(c -> c.equals("kind") ? "training" : null));
        assertEquals(
                "cells.csv column 'kind': 'training' is not one of train, throughput",
                e.getMessage());
    }
}
