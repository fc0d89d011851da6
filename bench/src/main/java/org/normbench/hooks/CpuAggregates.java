package org.normbench.hooks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The raw aggregates of a CPU activation (the {@link ActivationStats.Aggregate}s, slot counts and
 * per-channel non-zero counts, laid out by {@link ActivationStats.Layout} as the device path lays
 * them out) in one fused pass over the tensor's own memory, read through a direct buffer (no
 * device-to-host copy: on the CPU the device is the host).
 *
 * <p>Why not the device ops on CPU: each of them is a separate pass over the ~10 M values a
 * full-width ResNet18 step at batch 32 produces, and the histogram needs five of them plus a serial
 * scatter-add, so statistics on every step cost +25 %. This pass reads every value once and bins it
 * with {@link BinIndex#slotOf}, the same float32 arithmetic as the device path, so the counts agree
 * exactly (ActivationStatsTest checks both paths against {@link HistogramSpec#binOf}).
 *
 * <p>One thread, the caller's: splitting rows over two threads was slower inside a training step on
 * the 2-vCPU machine this was measured on (plausibly because libtorch's OpenMP worker spin-waits on
 * the second CPU after each op; docs/training.md, "Measurements"). Not for GPU tensors: they would
 * have to be copied to the host, where the device path transfers ~50 numbers per layer instead.
 */
final class CpuAggregates {
    /** Values summed in float32 before the partial sums go into the float64 totals. */
    private static final int BLOCK = 256;

    private CpuAggregates() {}

    /**
     * True for activations this pass handles: float32 on the CPU, small enough for one direct
     * buffer.
     */
    static boolean applies(NDArray activation) {
        return Device.cpu().getDeviceType().equals(activation.getDevice().getDeviceType())
                && activation.getDataType() == DataType.FLOAT32
                && activation.size() > 0
                && activation.size() <= Integer.MAX_VALUE / Float.BYTES;
    }

    /** The aggregates of {@code activation} {@code (N, C, ...)}, laid out by {@code layout}. */
    static double[] of(NDArray activation, BinIndex bins, ActivationStats.Layout layout) {
        Shape s = activation.getShape();
        int n = s.dimension() >= 1 ? Math.toIntExact(s.get(0)) : 1;
        int channels = s.dimension() >= 2 ? Math.toIntExact(s.get(1)) : 1;
        int rows = n * channels;
        int inner = rows == 0 ? 0 : Math.toIntExact(activation.size() / rows);
        // zero-copy view of libtorch's buffer (a contiguous copy first if it is not contiguous)
        FloatBuffer data =
                activation.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return pass(data, rows, channels, inner, bins, layout);
    }

    private static double[] pass(
            FloatBuffer data,
            int rows,
            int channels,
            int inner,
            BinIndex bins,
            ActivationStats.Layout layout) {
        int slots = bins.slots();
        // four interleaved slot tables: consecutive values in one bin (ReLU's zeros) would
        // otherwise
        // wait on each other's store
        int[] slotTables = new int[4 * slots];
        long[] positivesPerChannel = new long[channels];
        long[] nonzerosPerChannel = new long[channels];
        double sum = 0;
        double squares = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        long positives = 0;
        float[] block32 = new float[BLOCK];
        for (int row = 0; row < rows; row++) {
            int base = row * inner;
            int rowPositives = 0;
            int rowZeros = 0;
            // float accumulators (float64 ones made the pass twice as slow), flushed into float64
            // every BLOCK values so their rounding error stays that of a BLOCK-value sum
            for (int block = 0; block < inner; block += BLOCK) {
                int end = Math.min(inner, block + BLOCK);
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
                int len = end - block;
                // one bulk copy into an L1-resident array: per-element buffer reads cost more than
                // the copy
                data.get(base + block, block32, 0, len);
                int i = 0;
                for (; i + 4 <= len; i += 4) {
                    float x0 = block32[i];
                    float x1 = block32[i + 1];
                    float x2 = block32[i + 2];
                    float x3 = block32[i + 3];
                    s0 += x0;
                    s1 += x1;
                    s2 += x2;
                    s3 += x3;
                    q0 += x0 * x0;
                    q1 += x1 * x1;
                    q2 += x2 * x2;
                    q3 += x3 * x3;
                    // comparisons, not Math.min/max: those order -0/0 and NaN, which costs and is
                    // not needed
                    if (x0 < min) min = x0;
                    if (x1 < min) min = x1;
                    if (x2 < min) min = x2;
                    if (x3 < min) min = x3;
                    if (x0 > max) max = x0;
                    if (x1 > max) max = x1;
                    if (x2 > max) max = x2;
                    if (x3 > max) max = x3;
                    rowPositives +=
                            (x0 > 0 ? 1 : 0)
                                    + (x1 > 0 ? 1 : 0)
                                    + (x2 > 0 ? 1 : 0)
                                    + (x3 > 0 ? 1 : 0);
                    rowZeros +=
                            (x0 == 0 ? 1 : 0)
                                    + (x1 == 0 ? 1 : 0)
                                    + (x2 == 0 ? 1 : 0)
                                    + (x3 == 0 ? 1 : 0);
                    slotTables[bins.slotOf(x0)]++;
                    slotTables[slots + bins.slotOf(x1)]++;
                    slotTables[2 * slots + bins.slotOf(x2)]++;
                    slotTables[3 * slots + bins.slotOf(x3)]++;
                }
                for (; i < len; i++) {
                    float x = block32[i];
                    s0 += x;
                    q0 += x * x;
                    if (x < min) min = x;
                    if (x > max) max = x;
                    rowPositives += x > 0 ? 1 : 0;
                    rowZeros += x == 0 ? 1 : 0;
                    slotTables[bins.slotOf(x)]++;
                }
                sum += ((double) s0 + s1) + ((double) s2 + s3);
                squares += ((double) q0 + q1) + ((double) q2 + q3);
            }
            positives += rowPositives;
            positivesPerChannel[row % channels] += rowPositives;
            // NaN is not 0, so it counts as non-zero (as the device path's neq does)
            nonzerosPerChannel[row % channels] += inner - rowZeros;
        }
        double[] v = new double[layout.length()];
        for (int j = 0; j < slots; j++) {
            long c = 0;
            for (int t = 0; t < 4; t++) {
                c += slotTables[t * slots + j];
            }
            v[layout.slot(j)] = c;
        }
        long dead = 0;
        for (int c = 0; c < channels; c++) {
            dead += positivesPerChannel[c] == 0 ? 1 : 0;
            v[layout.channelNonzeros(c)] = nonzerosPerChannel[c];
        }
        v[layout.of(ActivationStats.Aggregate.SUM)] = sum;
        v[layout.of(ActivationStats.Aggregate.SUM_OF_SQUARES)] = squares;
        // the device path's min and max are NaN when a NaN is present; here a NaN (or both
        // infinities) shows in the sum, and min and max follow it
        v[layout.of(ActivationStats.Aggregate.MIN)] = Double.isNaN(sum) ? Double.NaN : min;
        v[layout.of(ActivationStats.Aggregate.MAX)] = Double.isNaN(sum) ? Double.NaN : max;
        v[layout.of(ActivationStats.Aggregate.POSITIVES)] = positives;
        v[layout.of(ActivationStats.Aggregate.DEAD_CHANNELS)] = dead;
        return v;
    }
}
