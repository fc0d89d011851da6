package org.normbench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.cli.InProcessCli;
import org.normbench.engine.TorchRuntime;
import org.normbench.results.ResultsSchema;

/**
 * Faults injected into chosen cells of a real grid (through the test-only norm {@code test_fault}):
 * a NaN loss, libtorch refusing an allocation, the Java heap exhausted, an exception from a layer.
 * Each is recorded with its status and message, the cells around them finish ok, and no NDArray of
 * a failed cell outlives it.
 */
class InjectedFaultsTest {
    @TempDir Path tmp;

    @Test
    void eachFaultIsRecordedMemoryIsReleasedAndTheGridGoesOn() throws Exception {
        Path grid = tmp.resolve("faults.yaml");
        Files.writeString(
                grid,
                String.join(
                        "\n",
                        "name: injected",
                        "dataset: fashion-mnist-subset",
                        "train_limit: 64",
                        "test_limit: 32",
                        "train:",
                        "  width: 0.125",
                        "  activations: [relu]",
                        "  batch_sizes: [8]",
                        "  steps: 5",
                        "  divergence_loss: 100",
                        "  hooks: {enabled: false}",
                        "  norms:",
                        "    - bn",
                        "    - {name: test_fault, fault: nan, at_step: 3}",
                        "    - {name: test_fault, fault: oom, at_step: 3}",
                        "    - {name: test_fault, fault: heap_oom, at_step: 3}",
                        "    - {name: test_fault, fault: exception, at_step: 3}",
                        "    - gn",
                        ""));
        NDManager system;
        try (NDManager probe = TorchRuntime.engine().newBaseManager()) {
            system = probe.getParentManager();
        }
        int arraysBefore = system.getManagedArrays().size();

        InProcessCli.Outcome run = InProcessCli.bench(grid, tmp.resolve("runs"), "f", "--quiet");
        String log = run.out();
        assertEquals(1, run.code(), "exit 1: some cell failed\n" + run.log());

        Map<String, CSVRecord> byFault = new TreeMap<>();
        for (CSVRecord r :
                FaultRuns.read(tmp.resolve("runs").resolve("f").resolve(ResultsSchema.CELLS))) {
            String options = r.get("norm_options");
            String fault =
                    r.get("norm").equals("test_fault")
                            ? options.replaceAll(".*fault=([a-z_]+).*", "$1")
                            : r.get("norm");
            byFault.put(fault, r);
        }
        assertEquals("ok", byFault.get("bn").get("status"), log);
        assertEquals(
                "ok", byFault.get("gn").get("status"), "the cell after the faults trains: " + log);
        assertStatus(byFault, "nan", "diverged", "loss");
        assertStatus(byFault, "oom", "oom", "memory");
        assertStatus(byFault, "heap_oom", "oom", "heap");
        assertStatus(byFault, "exception", "error", "injected fault");
        FaultRuns.assertWhole(tmp.resolve("runs").resolve("f"));

        assertEquals(
                arraysBefore,
                system.getManagedArrays().size(),
                "no NDArray of any cell outlives it");
        FaultRuns.figure(
                "injected-faults",
                "injected faults survived",
                String.format(
                        Locale.ROOT,
                        "4 of 4 (NaN loss -> diverged, libtorch allocation refused -> oom, Java heap exhausted -> oom,"
                                + " exception in a layer -> error; next cell ok; no NDArray left behind)"));
    }

    private static void assertStatus(
            Map<String, CSVRecord> byFault, String fault, String status, String messagePart) {
        CSVRecord r = byFault.get(fault);
        assertEquals(status, r.get("status"), fault + ": " + r.get("error"));
        assertFalse(r.get("error").isBlank(), fault + " says why");
        assertTrue(
                r.get("error").toLowerCase(Locale.ROOT).contains(messagePart),
                fault + ": " + r.get("error"));
    }
}
