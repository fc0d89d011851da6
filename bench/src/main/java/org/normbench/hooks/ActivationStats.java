package org.normbench.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer activation statistics, one {@link ActivationRow} per hooked layer and logged step (its
 * components name them: mean, std, min, max, the shares of values {@code <= 0}, exactly 0 and near
 * 0, dead channels this step and over a window of logged steps) plus an exact fixed-range histogram
 * ({@link HistogramSpec}). {@link #hook()} is the {@link ForwardHook} to register; {@link #collect}
 * turns what the hook captured into rows. Not a scheduler: when to capture is the caller's business
 * (see {@code org.normbench.train.ActivationStatsCallback}).
 *
 * <p>Two paths compute the same raw aggregates ({@link Aggregate}, slot counts and per-channel
 * non-zero counts, laid out by {@link Layout}; bins are exact on both and tests hold them to {@link
 * HistogramSpec#binOf}):
 *
 * <ul>
 *   <li><b>CPU</b> ({@link CpuAggregates}): one fused pass over the tensor's memory inside the
 *       hook. On the CPU the device is the host, so nothing is transferred.
 *   <li><b>GPU and other devices</b> ({@link DeviceAggregates}): the hook only keeps a reference to
 *       the layer's output; {@link #collect} computes the aggregates of all pending layers with one
 *       fixed batch of libtorch ops and copies them to the host in one transfer (one device sync
 *       per logged step, nothing per layer per statistic, no uploads after the first logged step).
 * </ul>
 *
 * The row is finished in float64 on the host ({@link #finish}). Cost decides the shape of both
 * paths: a hooked full-width ResNet18 step reads ~10 M activation values, and every pass over them
 * counts (see {@code HookOverheadBenchmark} and docs/performance.md).
 */
public final class ActivationStats implements AutoCloseable {
    /** The default window of {@link ActivationRow#deadChannelFracWindow}, in logged steps. */
    public static final int DEFAULT_DEAD_WINDOW = 10;

    /**
     * The raw scalar aggregates at the head of each layer's vector, in this order on both paths.
     */
    enum Aggregate {
        SUM,
        SUM_OF_SQUARES,
        MIN,
        MAX,
        /**
         * Values > 0; read only where the slots do not split at zero (else non-zeros minus negative
         * slots).
         */
        POSITIVES,
        /** Channels whose output is {@code <= 0} for every element. */
        DEAD_CHANNELS
    }

    /**
     * Where each raw aggregate of one layer sits in its float64 vector: the {@link Aggregate}s,
     * then {@code slots} slot counts ({@link BinIndex}), then {@code channels} per-channel non-zero
     * counts.
     */
    record Layout(int slots, int channels) {
        static final int AGGREGATES = Aggregate.values().length;

        int of(Aggregate a) {
            return a.ordinal();
        }

        int slot(int j) {
            return AGGREGATES + j;
        }

        int channelNonzeros(int c) {
            return AGGREGATES + slots + c;
        }

        int length() {
            return AGGREGATES + slots + channels;
        }
    }

    /** One layer's finished statistics and its bin counts. */
    public record Measured(ActivationRow row, long[] binCounts) {}

    private final HistogramSpec histogram;
    private final BinIndex binIndex;
    private final List<String> layerOrder;
    private final Path path;
    private final int deadWindow;
    private final Map<String, Captured> pending = new LinkedHashMap<>();
    private final Map<String, DeadWindow> windows = new HashMap<>();
    private final ForwardHook hook = this::onForward;
    private final DeviceAggregates device;

    /**
     * A layer's output still on its device ({@code onDevice}, the model's own array, read at {@link
     * #collect} and never closed here) or its aggregates already on the host ({@code onHost}, CPU:
     * {@link CpuAggregates}), and the facts needed to finish its row.
     */
    private record Captured(NDArray onDevice, double[] onHost, long elements, Layout layout) {}

    /**
     * Per channel of one layer, for how many consecutive logged steps (up to now) its output was
     * exactly 0 everywhere; a channel is dead over the window when that run reaches {@code window}.
     * The share is undefined (NaN) until the layer has been logged {@code window} times.
     */
    private static final class DeadWindow {
        private final int window;
        private int[] zeroRuns;
        private int logged;

        DeadWindow(int window) {
            this.window = window;
        }

        double update(double[] v, int offset, Layout layout) {
            if (zeroRuns == null || zeroRuns.length != layout.channels()) {
                zeroRuns = new int[layout.channels()];
                logged = 0;
            }
            logged++;
            int dead = 0;
            for (int c = 0; c < zeroRuns.length; c++) {
                zeroRuns[c] = v[offset + layout.channelNonzeros(c)] == 0 ? zeroRuns[c] + 1 : 0;
                dead += zeroRuns[c] >= window ? 1 : 0;
            }
            return logged >= window && zeroRuns.length > 0
                    ? (double) dead / zeroRuns.length
                    : Double.NaN;
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
     * @param layerOrder the hooked layers in depth order; their positions are the rows' {@code
     *     layerIndex}
     */
    public ActivationStats(HistogramSpec histogram, List<String> layerOrder) {
        this(histogram, layerOrder, Path.AUTO, DEFAULT_DEAD_WINDOW);
    }

    /**
     * With a fixed path, e.g. {@link Path#DEVICE_OPS} on CPU to measure what the GPU path costs
     * there.
     */
    public ActivationStats(HistogramSpec histogram, List<String> layerOrder, Path path) {
        this(histogram, layerOrder, path, DEFAULT_DEAD_WINDOW);
    }

    /**
     * @param deadWindow logged steps over which a channel must stay exactly 0 to count in {@link
     *     ActivationRow#deadChannelFracWindow} (the grid's {@code hooks.dead_window})
     */
    public ActivationStats(
            HistogramSpec histogram, List<String> layerOrder, Path path, int deadWindow) {
        if (deadWindow < 1) {
            throw new IllegalArgumentException(
                    "dead window must be >= 1 logged steps, got " + deadWindow);
        }
        this.path = path;
        this.histogram = histogram;
        this.binIndex = new BinIndex(histogram);
        this.layerOrder = List.copyOf(layerOrder);
        this.deadWindow = deadWindow;
        this.device = new DeviceAggregates(binIndex);
    }

    public HistogramSpec histogramSpec() {
        return histogram;
    }

    /**
     * The hook to register on the layers; it keeps only small statistic vectors, never the
     * activations.
     */
    public ForwardHook hook() {
        return hook;
    }

    /**
     * Device-to-host copies made by {@link #collect} so far: one per logged step on the device
     * path.
     */
    public long hostCopies() {
        return device.hostCopies();
    }

    /**
     * Host-to-device uploads made so far: the device path's constants, once per set of layer
     * shapes.
     */
    public long uploads() {
        return device.uploads();
    }

    /** True when some layer was captured since the last {@link #collect}. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    private void onForward(String layer, NDList input, NDList output, boolean training) {
        pending.put(layer, capture(output.head(), binIndex, path));
    }

    /**
     * Copies every pending layer's statistics to the host in one transfer and appends rows for
     * {@code step}. Layers are emitted in {@code layerOrder}; a captured layer not in that list is
     * appended after them. Each collected layer counts as one logged step of its dead-channel
     * window. Clears the pending vectors.
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
        // the layers still on a device: one batch of device ops, one transfer
        List<NDArray> onDevice = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>();
        for (String l : layers) {
            if (pending.get(l).onDevice() != null) {
                onDevice.add(pending.get(l).onDevice());
                layouts.add(pending.get(l).layout());
            }
        }
        List<double[]> fromDevice = onDevice.isEmpty() ? List.of() : device.of(onDevice, layouts);
        int transferred = 0;
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i);
            Captured c = pending.get(layer);
            double[] values = c.onHost() != null ? c.onHost() : fromDevice.get(transferred++);
            int index = layerOrder.indexOf(layer);
            DeadWindow window = windows.computeIfAbsent(layer, k -> new DeadWindow(deadWindow));
            Measured m =
                    finish(
                            step,
                            layer,
                            index >= 0 ? index : layerOrder.size() + i,
                            values,
                            0,
                            c.elements(),
                            c.layout(),
                            binIndex,
                            window);
            rows.add(m.row());
            for (int k = 0; k < histogram.bins(); k++) {
                histogramRows.add(
                        new HistogramRow(
                                step,
                                layer,
                                k,
                                histogram.lower(k),
                                histogram.upper(k),
                                m.binCounts()[k]));
            }
        }
        pending.clear();
    }

    /** Drops what the hook captured without computing it (e.g. when a step was cancelled). */
    public void discard() {
        pending.clear();
    }

    /** Drops pending captures and releases the device path's constants. */
    @Override
    public void close() {
        pending.clear();
        device.close();
    }

    /**
     * The statistics of one activation {@code (N, C, ...)} as a row at step 0, layer {@code ""},
     * and its bin counts. The dead-channel window is one step (the share of channels exactly 0 in
     * this activation). One device-to-host copy; for tests and one-off use (the hook batches many
     * layers into one copy instead).
     */
    public static Measured statistics(NDArray activation, HistogramSpec histogram) {
        return statistics(activation, histogram, Path.AUTO);
    }

    /**
     * {@link #statistics(NDArray, HistogramSpec)} along a chosen path (tests compare the paths).
     */
    static Measured statistics(NDArray activation, HistogramSpec histogram, Path path) {
        BinIndex bins = new BinIndex(histogram);
        Captured c = capture(activation, bins, path);
        double[] v = c.onHost();
        if (v == null) {
            try (DeviceAggregates d = new DeviceAggregates(bins)) {
                v = d.of(List.of(activation), List.of(c.layout())).get(0);
            }
        }
        return finish(0, "", 0, v, 0, c.elements(), c.layout(), bins, new DeadWindow(1));
    }

    private static Captured capture(NDArray x, BinIndex bins, Path path) {
        boolean cpuPass = path == Path.CPU_PASS || (path == Path.AUTO && CpuAggregates.applies(x));
        Layout layout = new Layout(bins.slots(), Math.toIntExact(channels(x.getShape())));
        return cpuPass
                ? new Captured(null, CpuAggregates.of(x, bins, layout), x.size(), layout)
                : new Captured(x, null, x.size(), layout);
    }

    private static long channels(Shape s) {
        return s.dimension() >= 2 ? s.get(1) : 1;
    }

    /**
     * Turns one layer's aggregates ({@code v} from {@code offset}, laid out by {@code layout}) into
     * its row and bin counts, in float64 on the host, and advances the layer's dead-channel window.
     * The variance is {@code E[x^2] - mean^2}, not centred, to save a pass: it loses digits when
     * |mean| is many times the std (relative error ~1e-7 * (mean/std)^2, see ActivationStatsTest);
     * activations after a norm layer are far from that.
     */
    private static Measured finish(
            int step,
            String layer,
            int layerIndex,
            double[] v,
            int offset,
            long elements,
            Layout layout,
            BinIndex bins,
            DeadWindow window) {
        long[] counts = new long[bins.bins()];
        double negatives = 0;
        for (int j = 0; j < layout.slots(); j++) {
            long c = Math.round(v[offset + layout.slot(j)]);
            counts[bins.binOfSlot(j)] += c;
            if (bins.slotIsNegative(j)) {
                negatives += c;
            }
        }
        double nonzeros = 0;
        for (int c = 0; c < layout.channels(); c++) {
            nonzeros += v[offset + layout.channelNonzeros(c)];
        }
        double positives =
                bins.splitsAtZero()
                        ? nonzeros - negatives
                        : v[offset + layout.of(Aggregate.POSITIVES)];
        long nearZero = 0;
        for (int k : bins.spec().binsTouchingZero()) {
            nearZero += counts[k];
        }
        double mean = v[offset + layout.of(Aggregate.SUM)] / elements;
        double var =
                Math.max(
                        0,
                        v[offset + layout.of(Aggregate.SUM_OF_SQUARES)] / elements - mean * mean);
        ActivationRow row =
                new ActivationRow(
                        step,
                        layer,
                        layerIndex,
                        mean,
                        Math.sqrt(var),
                        // + 0.0 makes -0 into 0: which zero an order of comparisons keeps is not
                        // data
                        v[offset + layout.of(Aggregate.MIN)] + 0.0,
                        v[offset + layout.of(Aggregate.MAX)] + 0.0,
                        (elements - positives) / elements,
                        v[offset + layout.of(Aggregate.DEAD_CHANNELS)] / layout.channels(),
                        (elements - nonzeros) / elements,
                        (double) nearZero / elements,
                        window.update(v, offset, layout));
        return new Measured(row, counts);
    }
}
