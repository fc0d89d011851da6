package org.normbench.hooks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw aggregates of all hooked layers of a step (the {@link ActivationStats.Aggregate}s, slot
 * counts and per-channel non-zero counts, laid out per layer by {@link ActivationStats.Layout})
 * from a fixed handful of libtorch ops on the layers' device, however many layers there are, and
 * one device-to-host copy: the device path, what GPUs run.
 *
 * <p>How: every layer is viewed as rows of {@code L} values, {@code L} the greatest common divisor
 * of the layers' per-(sample, channel) sizes, so no row straddles two channels; one {@code cat}
 * makes the step's {@code (R, L)} matrix. Row reductions (sum, sum of squares via the L2 norm,
 * non-zeros, positives, max, min) run once over it; per-channel sums come from one segment sum
 * ({@link Bincount#sums}), per-layer extremes from a blocked max and one gather, the slot counts of
 * every layer from one {@link Bincount} over cells offset by layer. The index tensors and {@link
 * BinIndex}'s constants depend only on the layers' shapes: they are uploaded once and kept (DJL
 * would upload every Java number operand on every call, a device sync each on a GPU). The copy to
 * the host is synchronous: DJL's {@code toArray} has no non-blocking form.
 *
 * <p>Numbers: counts, min and max are exact, as on the CPU pass; sums are float32 over a row of
 * {@code L} values, then float64.
 */
final class DeviceAggregates implements AutoCloseable {
    private final BinIndex bins;
    private NDManager constants;
    private List<Plan> plans;
    private List<Shape> planShapes;
    private Device planDevice;
    private long hostCopies;
    private long uploads;

    DeviceAggregates(BinIndex bins) {
        this.bins = bins;
    }

    long hostCopies() {
        return hostCopies;
    }

    long uploads() {
        return uploads;
    }

    /**
     * The aggregates of each activation (same device, float), laid out by its layout, from one
     * batch of device ops per row group (see {@link #ROW}) and one host copy for all. The
     * activations are only read; intermediates are closed.
     */
    List<double[]> of(List<NDArray> activations, List<ActivationStats.Layout> layouts) {
        List<Plan> plans = plans(activations);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        double[] v;
        try (NDManager tmp = activations.get(0).getManager().newSubManager()) {
            NDList vectors = new NDList();
            for (Plan p : plans) {
                List<NDArray> members = new ArrayList<>();
                for (int i : p.members) {
                    members.add(activations.get(i));
                }
                vectors.add(p.aggregates(members, bins, tmp));
            }
            try (NDArray all = vectors.size() == 1 ? vectors.get(0) : NDArrays.concat(vectors)) {
                v = all.toDoubleArray();
                hostCopies++;
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        double[][] out = new double[activations.size()][];
        int at = 0;
        for (Plan p : plans) {
            at = p.split(v, at, layouts, bins, out);
        }
        return List.of(out);
    }

    /**
     * Layers whose per-(sample, channel) size is a multiple of {@value #ROW} share one group (rows
     * of the gcd of their sizes, at least {@value #ROW} values); any other size is a group of its
     * own (e.g. a pooled (N, C, 1, 1) output), so that one small layer cannot shrink every row to a
     * single value and the per-row vectors stay a fraction of the activations.
     */
    static final long ROW = 16;

    /** The plans for these shapes on this device, made (and their constants uploaded) when new. */
    private List<Plan> plans(List<NDArray> activations) {
        List<Shape> shapes = new ArrayList<>();
        Device device = activations.get(0).getDevice();
        for (NDArray a : activations) {
            if (!a.getDevice().equals(device)) {
                throw new IllegalArgumentException(
                        "hooked layers on two devices ("
                                + device
                                + ", "
                                + a.getDevice()
                                + "): statistics batch the layers of one device");
            }
            shapes.add(a.getShape());
        }
        if (plans != null && planShapes.equals(shapes) && planDevice.equals(device)) {
            return plans;
        }
        if (constants != null) {
            constants.close();
        }
        constants = activations.get(0).getManager().getEngine().newBaseManager(device);
        Map<Long, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            long inner = Plan.inner(shapes.get(i));
            groups.computeIfAbsent(inner % ROW == 0 ? 0 : inner, k -> new ArrayList<>()).add(i);
        }
        plans = new ArrayList<>();
        for (List<Integer> members : groups.values()) {
            Plan p = new Plan(shapes, members, bins, constants);
            uploads += p.uploads;
            plans.add(p);
        }
        planShapes = List.copyOf(shapes);
        planDevice = device;
        return plans;
    }

    @Override
    public void close() {
        if (constants != null) {
            constants.close();
            constants = null;
            plans = null;
        }
    }

    /** Where every layer's rows, channels and blocks sit, and the index tensors that say so. */
    private static final class Plan {
        final List<Integer> members;
        final int layers;
        final long rowLength;
        final long blockRows;
        final long channels;
        final int[] channelOffset;
        final NDArray rowChannel;
        final NDArray rowCellOffset;
        final NDArray layerBlocks;
        final NDArray sentinel;
        final NDArray zero;
        final BinIndex.OnDevice bins;
        final int uploads;

        static long inner(Shape s) {
            long n = s.dimension() >= 1 ? s.get(0) : 1;
            long c = s.dimension() >= 2 ? s.get(1) : 1;
            return s.size() / Math.max(1, n * c);
        }

        Plan(List<Shape> allShapes, List<Integer> members, BinIndex binIndex, NDManager m) {
            this.members = List.copyOf(members);
            List<Shape> shapes = members.stream().map(allShapes::get).toList();
            this.layers = shapes.size();
            long[] n = new long[layers];
            long[] c = new long[layers];
            long[] inner = new long[layers];
            long l = 0;
            for (int i = 0; i < layers; i++) {
                Shape s = shapes.get(i);
                n[i] = s.dimension() >= 1 ? s.get(0) : 1;
                c[i] = s.dimension() >= 2 ? s.get(1) : 1;
                inner[i] = s.size() / Math.max(1, n[i] * c[i]);
                l = gcd(l, inner[i]);
            }
            this.rowLength = Math.max(1, l);
            long[] rows = new long[layers];
            long b = 0;
            long totalRows = 0;
            long channelCount = 0;
            channelOffset = new int[layers];
            for (int i = 0; i < layers; i++) {
                rows[i] = shapes.get(i).size() / rowLength;
                b = gcd(b, rows[i]);
                channelOffset[i] = Math.toIntExact(channelCount);
                channelCount += c[i];
                totalRows += rows[i];
            }
            this.blockRows = Math.max(1, b);
            this.channels = channelCount;
            long[] rowChannels = new long[Math.toIntExact(totalRows)];
            long[] rowCells = new long[rowChannels.length];
            int r = 0;
            long maxBlocks = 0;
            for (int i = 0; i < layers; i++) {
                long perChannelRow = inner[i] / rowLength;
                for (long q = 0; q < rows[i]; q++, r++) {
                    rowChannels[r] = channelOffset[i] + (q / perChannelRow) % c[i];
                    rowCells[r] = (long) i * binIndex.slots() - binIndex.firstCell();
                }
                maxBlocks = Math.max(maxBlocks, rows[i] / blockRows);
            }
            // each layer's blocks, padded to maxBlocks with the sentinel block (-inf) after the
            // last
            long totalBlocks = totalRows / blockRows;
            long[] blocks = new long[Math.toIntExact(2 * layers * maxBlocks)];
            long start = 0;
            for (int i = 0; i < layers; i++) {
                long count = rows[i] / blockRows;
                for (long j = 0; j < maxBlocks; j++) {
                    long at = i * maxBlocks + j;
                    long value = j < count ? start + j : totalBlocks;
                    blocks[(int) at] = value;
                    blocks[(int) (layers * maxBlocks + at)] = value;
                }
                start += count;
            }
            this.rowChannel = m.create(rowChannels, new Shape(rowChannels.length, 1));
            this.rowCellOffset = m.create(rowCells, new Shape(rowCells.length, 1));
            this.layerBlocks = m.create(blocks, new Shape(2, layers * maxBlocks));
            this.sentinel =
                    m.create(
                            new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
                            new Shape(2, 1));
            this.zero = m.create(0f);
            this.bins = binIndex.onDevice(m);
            this.uploads = 5 + BinIndex.UPLOADS;
        }

        /**
         * This group's aggregates as one float64 vector on {@code tmp}: per channel (sum, sum of
         * squares, non-zeros, positives), per layer (max, -min), per layer the slot counts.
         */
        NDArray aggregates(List<NDArray> activations, BinIndex bins, NDManager tmp) {
            NDList parts = new NDList();
            for (NDArray a : activations) {
                NDArray rows =
                        (a.getDataType() == DataType.FLOAT32
                                        ? a
                                        : a.toType(DataType.FLOAT32, false))
                                .reshape(-1, rowLength);
                rows.attach(tmp);
                parts.add(rows);
            }
            NDArray m = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            NDArray perRow =
                    NDArrays.stack(
                            new NDList(
                                    m.sum(new int[] {1}).toType(DataType.FLOAT64, false),
                                    m.norm(new int[] {1}).toType(DataType.FLOAT64, false).square(),
                                    m.neq(zero).sum(new int[] {1}).toType(DataType.FLOAT64, false),
                                    m.gt(zero).sum(new int[] {1}).toType(DataType.FLOAT64, false)),
                            1);
            NDArray perChannel = Bincount.sums(rowChannel, perRow, channels);
            // max and -min per row, per block of B rows, then per layer over its padded blocks
            NDArray extremes =
                    NDArrays.stack(new NDList(m.max(new int[] {1}), m.min(new int[] {1}).neg()), 0)
                            .reshape(2, -1, blockRows)
                            .max(new int[] {2});
            NDArray perLayer =
                    NDArrays.concat(new NDList(extremes, sentinel), 1)
                            .gather(layerBlocks, 1)
                            .reshape(2, layers, -1)
                            .max(new int[] {2})
                            .toType(DataType.FLOAT64, false);
            NDArray cells = bins.cellsOf(m, this.bins).reshape(-1, rowLength).add(rowCellOffset);
            NDArray counts = Bincount.of(cells.reshape(-1), layers * bins.slots());
            return NDArrays.concat(
                    new NDList(perChannel.reshape(-1), perLayer.reshape(-1), counts));
        }

        /**
         * Per layer, its aggregates from the copied vector: channel sums added up, dead channels
         * (no positive value) counted, extremes and slot counts read off.
         */
        int split(
                double[] v,
                int start,
                List<ActivationStats.Layout> layouts,
                BinIndex binIndex,
                double[][] out) {
            int extremesAt = start + Math.toIntExact(channels * 4);
            int countsAt = extremesAt + 2 * layers;
            for (int i = 0; i < layers; i++) {
                ActivationStats.Layout layout = layouts.get(members.get(i));
                double[] a = new double[layout.length()];
                double sum = 0;
                double squares = 0;
                double positives = 0;
                int dead = 0;
                for (int ch = 0; ch < layout.channels(); ch++) {
                    int at = start + 4 * (channelOffset[i] + ch);
                    sum += v[at];
                    squares += v[at + 1];
                    a[layout.channelNonzeros(ch)] = v[at + 2];
                    positives += v[at + 3];
                    dead += v[at + 3] == 0 ? 1 : 0;
                }
                a[layout.of(ActivationStats.Aggregate.SUM)] = sum;
                a[layout.of(ActivationStats.Aggregate.SUM_OF_SQUARES)] = squares;
                a[layout.of(ActivationStats.Aggregate.POSITIVES)] = positives;
                a[layout.of(ActivationStats.Aggregate.DEAD_CHANNELS)] = dead;
                a[layout.of(ActivationStats.Aggregate.MAX)] = v[extremesAt + i];
                a[layout.of(ActivationStats.Aggregate.MIN)] = -v[extremesAt + layers + i];
                for (int j = 0; j < binIndex.slots(); j++) {
                    a[layout.slot(j)] = v[countsAt + i * binIndex.slots() + j];
                }
                out[members.get(i)] = a;
            }
            return countsAt + layers * binIndex.slots();
        }

        private static long gcd(long a, long b) {
            return b == 0 ? a : gcd(b, a % b);
        }
    }
}
