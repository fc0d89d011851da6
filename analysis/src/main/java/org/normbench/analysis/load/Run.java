package org.normbench.analysis.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A loaded run: manifest, cells and the per-cell series the figures need. Histograms are not held:
 * they are the bulk of a run, and the report needs only a few cells' worth, so they are streamed on
 * demand with {@link #histograms(Collection)}.
 */
public record Run(
        Path dir,
        Manifest manifest,
        List<Cell> cells,
        Map<String, Curve> curves,
        Map<String, LayerStats> activations,
        List<JmhResult> jmh) {

    /** Directory name, which is the run id by contract (the manifest's run_id is shown too). */
    public String id() {
        return dir.getFileName().toString();
    }

    /**
     * Whether the run has {@code fileName} (the aggregate or per-cell copies), also when it has no
     * data rows.
     */
    public boolean hasTable(String fileName) {
        try {
            return CsvTable.locate(dir, fileName).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, HistogramSeries> histograms(Collection<String> cellIds) throws IOException {
        return RunLoader.readHistograms(dir, cellIds);
    }
}
