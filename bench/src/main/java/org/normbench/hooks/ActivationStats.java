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
 * Per-layer activation statistics computed on the device: mean, std, min, max, share of values
 * {@code <= 0}, share of dead channels (a channel whose output is {@code <= 0} for every element of
 * the batch) and a fixed-range histogram ({@link HistogramSpec}). {@link #hook()} is the
 * {@link ForwardHook} to register; each call leaves one small float64 vector on the device, and
 * {@link #collect} concatenates the vectors of all layers and copies them to the host in one
 * transfer (one device sync per logged step, not one per layer). Not a scheduler: when to capture is
 * the caller's business (see {@code org.normbench.train.ActivationStatsCallback}).
 *
 * <p>The histogram is exact: DJL has no {@code histc}/{@code bincount}, so each value's bin index
 * is computed elementwise (float64, clamped) as uint8, {@code unique} counts the distinct indices,
 * and the counts are put into their bins. Measured alternatives (one comparison pass per edge, a
 * broadcast comparison against all edges) cost several times more on CPU.
 */
public final class ActivationStats {
    /** Number of leading scalar statistics in each layer's vector, before the histogram counts. */
    static final int SCALARS = 6;

    private final HistogramSpec histogram;
    private final List<String> layerOrder;
    private final Map<String, NDArray> pending = new LinkedHashMap<>();
    private final ForwardHook hook = this::onForward;

    /**
     * @param layerOrder the hooked layers in depth order; their positions are the rows' {@code layerIndex}
     */
    public ActivationStats(HistogramSpec histogram, List<String> layerOrder) {
        this.histogram = histogram;
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
        NDArray previous = pending.put(layer, summarize(output.head(), histogram));
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
        NDList parts = new NDList();
        for (String l : layers) {
            parts.add(pending.get(l));
        }
        double[] v;
        try (NDArray all = NDArrays.concat(parts)) {
            v = all.toDoubleArray();
        } finally {
            parts.close();
            pending.clear();
        }
        int stride = SCALARS + histogram.bins();
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i);
            int o = i * stride;
            int index = layerOrder.indexOf(layer);
            rows.add(new ActivationRow(step, layer, index >= 0 ? index : layerOrder.size() + i,
                    v[o], v[o + 1], v[o + 2], v[o + 3], v[o + 4], v[o + 5]));
            for (int k = 0; k < histogram.bins(); k++) {
                histogramRows.add(new HistogramRow(step, layer, k, histogram.lower(k), histogram.upper(k),
                        Math.round(v[o + SCALARS + k])));
            }
        }
    }

    /** Drops pending vectors without copying them (e.g. when a step was cancelled). */
    public void discard() {
        pending.values().forEach(NDArray::close);
        pending.clear();
    }

    /**
     * The statistics vector of one activation {@code (N, C, ...)}: mean, std, min, max,
     * fracNonpositive, deadChannelFrac, then the bin counts; float64, on the activation's device,
     * detached from autograd. Intermediates are closed; the result is attached to the activation's
     * manager (the step's scope).
     */
    public static NDArray summarize(NDArray activation, HistogramSpec histogram) {
        NDManager owner = activation.getManager();
        try (NDManager tmp = owner.newSubManager()) {
            NDArray x = activation.stopGradient();
            x.attach(tmp);
            Shape s = x.getShape();
            long n = s.get(0);
            long c = s.dimension() >= 2 ? s.get(1) : 1;
            NDArray channelMax = x.reshape(n, c, -1).max(new int[] {2}).max(new int[] {0});
            NDArray mean = x.mean();
            NDArray std = x.sub(mean).square().mean().sqrt();
            NDArray scalars = NDArrays.stack(new NDList(
                    mean,
                    std,
                    x.min(),
                    channelMax.max(),
                    x.lte(0f).toType(DataType.FLOAT32, false).mean(),
                    channelMax.lte(0f).toType(DataType.FLOAT32, false).mean()))
                    .toType(DataType.FLOAT64, false);
            NDArray result = scalars.concat(histogram(x, histogram));
            result.attach(owner);
            return result;
        }
    }

    /** Exact bin counts of {@code x} (any shape) as float64, on x's device; see {@link HistogramSpec}. */
    public static NDArray histogram(NDArray x, HistogramSpec spec) {
        NDManager owner = x.getManager();
        try (NDManager tmp = owner.newSubManager()) {
            NDArray wide = x.toType(DataType.FLOAT64, false);
            wide.attach(tmp);
            NDArray idx = wide.sub(spec.min()).div(spec.width()).floor()
                    .clip(0, spec.bins() - 1)
                    .toType(DataType.UINT8, false);
            NDList u = idx.unique(null, true, false, true);
            // Clipping the (at most bins) distinct values keeps a NaN-derived index in range; with
            // NaN activations the histogram is meaningless but the step must not fail on it.
            NDArray present = u.get(0).toType(DataType.INT64, false).clip(0, spec.bins() - 1);
            NDArray counts = u.get(u.size() - 1).toType(DataType.FLOAT64, false);
            NDArray result = tmp.zeros(new Shape(spec.bins()), DataType.FLOAT64).put(present, counts);
            result.attach(owner);
            return result;
        }
    }
}
