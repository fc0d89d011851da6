package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.normbench.results.ResultsSchema;

class CellSpecTest {

    private static CellSpec smokeCell() throws Exception {
        return ShippedGridsTest.parse("cpu-smoke.yaml").cells().get(0);
    }

    @Test
    void columnsAreCellsCsvColumnsInSchemaOrder() throws Exception {
        Map<String, Object> columns = smokeCell().columns();

        List<String> names = List.copyOf(columns.keySet());
        List<String> schemaOrder =
                ResultsSchema.CELL_COLUMNS.stream().filter(names::contains).toList();
        assertEquals(schemaOrder, names);
        assertEquals("train-bn-relu-bs2-w0.125-cpu-s0", columns.get("cell_id"));
        assertEquals("train", columns.get("kind"));
        assertEquals(0.4 * 2 / 128, (Double) columns.get("lr"), 1e-15);
    }

    @Test
    void asMapHoldsEverySettingAndRoundTripsThroughJson() throws Exception {
        CellSpec cell = smokeCell();
        Map<String, Object> map = cell.asMap();

        assertTrue(map.keySet().containsAll(cell.columns().keySet()));
        assertEquals(1.0, map.get("epochs"));
        assertEquals(2000, map.get("train_limit"));
        assertEquals(40, map.get("hooks_bins"));
        ObjectMapper json = new ObjectMapper();
        assertEquals(
                cell,
                json.readValue(json.writeValueAsString(cell), CellSpec.class),
                "a record round-trips for cell.json");
    }
}
