package org.normbench.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer activation statistics: mean, std, min, max, share of values {@code <= 0}, share of dead
 * channels (a channel whose output is {@code <= 0} for every element of the batch) and an exact
 * fixed-range histogram ({@link HistogramSpec}). {@link #hook()} is the {@link ForwardHook} to
 * register; {@link #collect} turns what the hook captured into rows. Not a scheduler: when to capture
 * is the caller's business (see {@code org.normbench.train.ActivationStatsCallback}).
 *
 * <p>Two paths compute the same raw aggregates (sum, sum of squares, min, max, a count of
 * positives, dead channels, slot counts; bins are exact on both and tests hold them to
 * {@link HistogramSpec#binOf}):
 * <ul>
 *   <li><b>CPU</b> ({@link CpuAggregates}): one fused pass over the tensor's memory inside the hook.
 *       On the CPU the device is the host, so nothing is transferred.</li>
 *   <li><b>GPU and other devices</b> ({@link #aggregate}): libtorch ops on the device leave one
 *       small float64 vector per layer; {@link #collect} concatenates them and copies them to the
 *       host in one transfer (one device sync per logged step, not one per layer).</li>
 * </ul>
 * Mean, std and fractions are finished in float64 on the host. Cost decides the shape of both
 * paths: a hooked full-width ResNet18 step reads ~10 M activation values, and every pass over
 * them counts (see {@code HookOverheadBenchmark} and docs/performance.md).
 */
public final class ActivationStats {
    /** Number of leading scalar statistics in {@link #statistics}' result, before the bin counts. */
    static final int SCALARS = 6;
    /** Raw aggregates at the head of each layer's device vector, before the slot counts. */
    static final int AGGREGATES = 6;
    static final int SUM = 0;
    static final int SUM_OF_SQUARES = 1;
    static final int MIN = 2;
    static final int MAX = 3;
    /** Non-zeros where the slots split at zero (negatives come from the slots), else positives. */
    static final int NONZERO_OR_POSITIVE = 4;
    static final int DEAD_CHANNELS = 5;

    private final HistogramSpec histogram;
    private final BinIndex binIndex;
    private final List<String> layerOrder;
    private final Path path;
    private final Map<String, Captured> pending = new LinkedHashMap<>();
    private final ForwardHook hook = this::onForward;

    /**
     * A layer's aggregates, still on its device ({@code onDevice}, GPU) or already on the host
     * ({@code onHost}, CPU: {@link CpuAggregates}), and the facts needed to finish its row.
     */
    private record Captured(NDArray onDevice, double[] onHost, long elements, long channels) {
        void close() {
            if (onDevice != null) {
                onDevice.close();
            }
        }
    }

    /** Where the aggregates of an activation are computed. */
    public enum Path {
        /** {@link CpuAggregates} for CPU float32 activations, otherwise device ops. */
        AUTO,
        /** libtorch ops on the activation's device ({@link #aggregate}); what GPUs use. */
        DEVICE_OPS,
        /** One fused host pass over the CPU tensor's memory ({@link CpuAggregates}). */
        CPU_PASS
    }

    /**
     * @param layerOrder the hooked layers in depth order; their positions are the rows' {@code layerIndex}
     */
    public ActivationStats(HistogramSpec histogram, List<String> layerOrder) {
        this(histogram, layerOrder, Path.AUTO);
    }

    /** With a fixed path, e.g. {@link Path#DEVICE_OPS} on CPU to measure what the GPU path costs there. */
    public ActivationStats(HistogramSpec histogram, List<String> layerOrder, Path path) {
        this.path = path;
        this.histogram = histogram;
        this.binIndex = new BinIndex(histogram);
        this.layerOrder = List.copyOf(layerOrder);
    }

    public HistogramSpec histogramSpec() {
        return histogram;
    }

    /** The hook to register on the layers; it keeps only small statistic vectors, never the activations. */
    public ForwardHook hook() {
        return hook;
    }

    /** True when some layer was captured since the last {@link #collect}. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    private void onForward(String layer, NDList input, NDList output, boolean training) {
        Captured previous = pending.put(layer, capture(output.head(), binIndex, path));
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * Copies every pending layer's statistics to the host in one transfer and appends rows for
     * {@code step}. Layers are emitted in {@code layerOrder}; a captured layer not in that list is
     * appended after them. Clears the pending vectors.
     */
    public void collect(int step, List<ActivationRow> rows, List<HistogramRow> histogramRows) {
        if (pending.isEmpty()) {
            return;
        }
        List<String> layers = new ArrayList<>();
        for (String l : layerOrder) {
            if (pending.containsKey(l)) {
                layers.add(l);
            }
        }
        for (String l : pending.keySet()) {
            if (!layers.contains(l)) {
                layers.add(l);
            }
        }
        // the layers still on a device come over in one transfer
        NDList parts = new NDList();
        for (String l : layers) {
            if (pending.get(l).onDevice() != null) {
                parts.add(pending.get(l).onDevice());
            }
        }
        double[] v = new double[0];
        if (!parts.isEmpty()) {
            try (NDArray all = NDArrays.concat(parts)) {
                v = all.toDoubleArray();
            } finally {
                parts.close();
            }
        }
        int stride = AGGREGATES + binIndex.slots();
        int transferred = 0;
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i);
            Captured c = pending.get(layer);
            double[] s = c.onHost() != null
                    ? finish(c.onHost(), 0, c.elements(), c.channels(), binIndex)
                    : finish(v, stride * transferred++, c.elements(), c.channels(), binIndex);
            int index = layerOrder.indexOf(layer);
            rows.add(new ActivationRow(step, layer, index >= 0 ? index : layerOrder.size() + i,
                    s[0], s[1], s[2], s[3], s[4], s[5]));
            for (int k = 0; k < histogram.bins(); k++) {
                histogramRows.add(new HistogramRow(step, layer, k, histogram.lower(k), histogram.upper(k),
                        Math.round(s[SCALARS + k])));
            }
        }
        pending.clear();
    }

    /** Drops pending vectors without copying them (e.g. when a step was cancelled). */
    public void discard() {
        pending.values().forEach(Captured::close);
        pending.clear();
    }

    /**
     * The statistics of one activation {@code (N, C, ...)} as the rows hold them: mean, std, min,
     * max, fracNonpositive, deadChannelFrac, then the bin counts. One device-to-host copy; for tests
     * and one-off use (the hook batches many layers into one copy instead).
     */
    public static double[] statistics(NDArray activation, HistogramSpec histogram) {
        return statistics(activation, histogram, Path.AUTO);
    }

    /** {@link #statistics(NDArray, HistogramSpec)} along a chosen path (tests compare the paths). */
    static double[] statistics(NDArray activation, HistogramSpec histogram, Path path) {
        BinIndex bins = new BinIndex(histogram);
        Captured c = capture(activation, bins, path);
        try {
            double[] v = c.onHost() != null ? c.onHost() : c.onDevice().toDoubleArray();
            return finish(v, 0, c.elements(), c.channels(), bins);
        } finally {
            c.close();
        }
    }

    private static Captured capture(NDArray x, BinIndex bins, Path path) {
        boolean cpuPass = path == Path.CPU_PASS || (path == Path.AUTO && CpuAggregates.applies(x));
        long channels = channels(x.getShape());
        return cpuPass
                ? new Captured(null, CpuAggregates.of(x, bins), x.size(), channels)
                : new Captured(aggregate(x, bins), null, x.size(), channels);
    }

    private static long channels(Shape s) {
        return s.dimension() >= 2 ? s.get(1) : 1;
    }

    /**
     * The raw aggregates of one activation as one float64 vector on its device, detached from
     * autograd: sum, sum of squares, min, max, non-zero (slots split at zero) or positive count,
     * dead-channel count, then the slot counts. Intermediates are closed; the result is attached to the
     * activation's manager (the step's scope). The device path: every statistic is a read-only
     * reduction of the activation (row sums and L2 norms, min, per-channel max, count of non-zeros)
     * and the histogram is a few elementwise passes to a slot index ({@link BinIndex}) plus an O(n)
     * scatter-add count ({@link Bincount}), no sort.
     */
    static NDArray aggregate(NDArray activation, BinIndex bins) {
        NDManager owner = activation.getManager();
        try (NDManager tmp = owner.newSubManager()) {
            NDArray x = activation.stopGradient();
            x.attach(tmp);
            Shape s = x.getShape();
            long n = s.dimension() >= 1 ? s.get(0) : 1;
            // max over (H, W) then N: two single-axis reductions, DJL reduces max over one axis at a time
            NDArray rows = x.reshape(n, channels(s), -1);
            NDArray channelMax = rows.max(new int[] {2}).max(new int[] {0});
            NDArray signs = bins.splitsAtZero() ? x.norm(0, allAxes(s), false) : x.gt(0f).sum();
            // sums per (sample, channel) row in float32, combined in float64: a single float32
            // accumulator over millions of values loses enough digits to show in the std
            NDArray rowSums = rows.sum(new int[] {2}).toType(DataType.FLOAT64, false);
            NDArray rowSquares = rows.norm(new int[] {2}).toType(DataType.FLOAT64, false).square();
            NDArray scalars = NDArrays.stack(new NDList(
                    rowSums.sum(),
                    rowSquares.sum(),
                    x.min().toType(DataType.FLOAT64, false),
                    channelMax.max().toType(DataType.FLOAT64, false),
                    signs.toType(DataType.FLOAT64, false),
                    channelMax.lte(0f).sum().toType(DataType.FLOAT64, false)));
            NDArray result = scalars.concat(Bincount.of(bins.slotsOf(x), bins.slots()));
            result.attach(owner);
            return result;
        }
    }

    private static int[] allAxes(Shape s) {
        int[] axes = new int[s.dimension()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }

    /**
     * Turns one layer's aggregates ({@code v} from {@code offset}) into mean, std, min, max,
     * fracNonpositive, deadChannelFrac and the bin counts, in float64 on the host. The variance is
     * {@code E[x^2] - mean^2}, not centred, to save a pass: it loses digits when |mean| is many times
     * the std (relative error ~1e-7 * (mean/std)^2, see ActivationStatsTest); activations after a
     * norm layer are far from that.
     */
    static double[] finish(double[] v, int offset, long elements, long channels, BinIndex bins) {
        int slots = bins.slots();
        double[] out = new double[SCALARS + bins.bins()];
        double mean = v[offset + SUM] / elements;
        double var = Math.max(0, v[offset + SUM_OF_SQUARES] / elements - mean * mean);
        double negatives = 0;
        for (int j = 0; j < slots; j++) {
            double c = v[offset + AGGREGATES + j];
            out[SCALARS + bins.binOfSlot(j)] += c;
            if (bins.slotIsNegative(j)) {
                negatives += c;
            }
        }
        double positives = bins.splitsAtZero() ? v[offset + NONZERO_OR_POSITIVE] - negatives : v[offset + NONZERO_OR_POSITIVE];
        out[0] = mean;
        out[1] = Math.sqrt(var);
        out[2] = v[offset + MIN];
        out[3] = v[offset + MAX];
        out[4] = (elements - positives) / elements;
        out[5] = v[offset + DEAD_CHANNELS] / channels;
        return out;
    }
}
