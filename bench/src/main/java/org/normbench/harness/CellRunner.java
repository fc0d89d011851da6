package org.normbench.harness;

import ai.djl.engine.Engine;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.normbench.grid.CellSpec;
import org.normbench.results.CellOutput;
import org.normbench.results.CellStatus;

/** Runs one cell. Placeholder until the training loop is merged: records every cell as an error. */
public final class CellRunner implements AutoCloseable {
    public CellRunner(Engine engine, PrintStream progressOrNull) {}

    public CellOutput run(CellSpec cell, String progressLabel) {
        Map<String, Object> row = new LinkedHashMap<>(cell.columns());
        row.put("implementation", "djl");
        row.put("status", CellStatus.ERROR.csv());
        row.put("error", "training loop not integrated yet");
        row.put("started_at", Instant.now().toString());
        row.put("finished_at", Instant.now().toString());
        return new CellOutput(cell.cellId(), row, cell.asMap(), List.of(), List.of(), List.of());
    }

    @Override
    public void close() {}
}
