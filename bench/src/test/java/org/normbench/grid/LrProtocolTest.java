package org.normbench.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.normbench.train.TrainConfig;

/**
 * The grid's {@code lr_protocol} decides the peak learning rate per batch size; the value recorded
 * for a cell (cells.csv {@code lr}) is the one the training loop is configured with, because both
 * read the cell's {@link LrRule}. Also the hooks key {@code dead_window}.
 */
class LrProtocolTest {

    private static Grid parse(String protocolLine) throws GridException {
        return GridParser.parse(
                "test.yaml",
                """
                dataset: mnist
                norms: [bn]
                activations: [relu]
                batch_sizes: [2, 32]
                lr: 0.4
                lr_batch_size: 32
                train:
                  steps: 5
                %s
                """
                        .formatted(protocolLine),
                TestVocabulary.VOCABULARY);
    }

    private static double trainedLr(CellSpec cell) {
        return TrainConfig.of(cell, Device.cpu()).lr();
    }

    @Test
    void linearScalingIsTheDefaultAndFixedKeepsTheLrAtEveryBatchSize() throws Exception {
        List<CellSpec> scaled = parse("").cells();
        assertEquals(LrRule.Protocol.LINEAR_SCALING, scaled.get(0).lr().protocol());
        assertEquals(0.4 * 2 / 32, scaled.get(0).scaledLr(), 1e-15);
        assertEquals(0.4, scaled.get(1).scaledLr(), 1e-15);

        List<CellSpec> fixed = parse("  lr_protocol: fixed").cells();
        for (CellSpec cell : fixed) {
            assertEquals(0.4, cell.scaledLr(), 0, cell.cellId());
            assertEquals("fixed", cell.columns().get("lr_protocol"));
        }
        assertEquals("linear_scaling", scaled.get(0).columns().get("lr_protocol"));
    }

    @Test
    void theRecordedLrIsTheTrainedLrUnderBothProtocols() throws Exception {
        for (String line : List.of("", "  lr_protocol: fixed", "  lr_protocol: linear_scaling")) {
            for (CellSpec cell : parse(line).cells()) {
                assertEquals(cell.columns().get("lr"), trainedLr(cell), cell.cellId() + " " + line);
            }
        }
    }

    @Test
    void anUnknownProtocolIsRejectedWithItsPlaceAndTheAllowedNames() {
        GridException e = assertThrows(GridException.class, () -> parse("  lr_protocol: sqrt"));
        assertEquals(
                "test.yaml:9:16: train.lr_protocol: unknown lr_protocol 'sqrt'; allowed: fixed, linear_scaling",
                e.getMessage());
    }

    @Test
    void deadWindowIsReadFromTheHooksSectionAndMustBePositive() throws Exception {
        CellSpec cell = parse("  hooks: {dead_window: 4}").cells().get(0);
        assertEquals(4, cell.hooks().deadWindow());
        assertEquals(4, cell.asMap().get("hooks_dead_window"));
        assertEquals(
                HookSettings.DEFAULT_DEAD_WINDOW, parse("").cells().get(0).hooks().deadWindow());
        GridException e =
                assertThrows(GridException.class, () -> parse("  hooks: {dead_window: 0}"));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals(true, e.getMessage().contains("train.hooks.dead_window"), e.getMessage());
    }
}
