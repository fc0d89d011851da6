package org.normbench.harness;

import ai.djl.Device;
import ai.djl.nn.Block;
import java.util.List;
import org.normbench.engine.DeviceSpec;
import org.normbench.engine.TorchRuntime;
import org.normbench.grid.CellSpec;
import org.normbench.train.Throughput;

/**
 * Times a cell's training step for {@link GridEstimate}: {@value #WARMUP} warm-up and {@value
 * #TIMED} timed steps of the cell's model (its norm, activation, options and width) at its batch
 * size and device, on random 3x32x32 images, with {@code threads} intra-op threads set on the
 * thread that runs it (as a --jobs worker would). Set-up is the probe's wall time less its steps.
 */
public final class ProbeTimer {
    static final int WARMUP = 2;
    static final int TIMED = 3;

    private ProbeTimer() {}

    /**
     * The cell's timing, or a failed one with the reason (a device not visible here, out of
     * memory).
     */
    public static GridEstimate.Timing time(CellSpec cell) {
        try {
            return measure(cell);
        } catch (RuntimeException e) {
            return GridEstimate.Timing.failed(
                    e.getMessage() == null
                            ? e.getClass().getSimpleName()
                            : e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static GridEstimate.Timing measure(CellSpec cell) {
        long t0 = System.nanoTime();
        Device device = TorchRuntime.device(DeviceSpec.parse(cell.device()));
        Block model = CellRunner.buildModel(cell, 3, 32, 10);
        Throughput.Result r =
                Throughput.measure(
                        model, cell.batchSize(), WARMUP, TIMED, device, cell.seed(), List.of());
        double total = (System.nanoTime() - t0) / 1e9;
        double setup = Math.max(0, total - (WARMUP + TIMED) * r.stepMsMedian() / 1000);
        return new GridEstimate.Timing(r.stepMsMedian(), setup);
    }
}
