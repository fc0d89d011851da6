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
import java.util.List;

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
    private Plan plan;
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
     * batch of device ops and one host copy. The activations are only read; intermediates are
     * closed.
     */
    List<double[]> of(List<NDArray> activations, List<ActivationStats.Layout> layouts) {
        NDArray first = activations.get(0);
        Plan p = plan(activations);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        double[] v;
        try (NDManager tmp = first.getManager().newSubManager()) {
            NDList parts = new NDList();
            for (NDArray a : activations) {
                NDArray rows =
                        (a.getDataType() == DataType.FLOAT32
                                        ? a
                                        : a.toType(DataType.FLOAT32, false))
                                .reshape(-1, p.rowLength);
                rows.attach(tmp);
                parts.add(rows);
            }
            NDArray m = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            NDArray perRow =
                    NDArrays.stack(
                            new NDList(
                                    m.sum(new int[] {1}).toType(DataType.FLOAT64, false),
                                    m.norm(new int[] {1}).toType(DataType.FLOAT64, false).square(),
                                    m.neq(p.zero)
                                            .sum(new int[] {1})
                                            .toType(DataType.FLOAT64, false),
                                    m.gt(p.zero)
                                            .sum(new int[] {1})
                                            .toType(DataType.FLOAT64, false)),
                            1);
            NDArray perChannel = Bincount.sums(p.rowChannel, perRow, p.channels);
            // max and -min per row, per block of B rows, then per layer over its padded blocks
            NDArray extremes =
                    NDArrays.stack(new NDList(m.max(new int[] {1}), m.min(new int[] {1}).neg()), 0)
                            .reshape(2, -1, p.blockRows)
                            .max(new int[] {2});
            NDArray perLayer =
                    NDArrays.concat(new NDList(extremes, p.sentinel), 1)
                            .gather(p.layerBlocks, 1)
                            .reshape(2, p.layers, -1)
                            .max(new int[] {2})
                            .toType(DataType.FLOAT64, false);
            NDArray cells = bins.cellsOf(m, p.bins).reshape(-1, p.rowLength).add(p.rowCellOffset);
            NDArray counts = Bincount.of(cells.reshape(-1), p.layers * bins.slots());
            try (NDArray all =
                    NDArrays.concat(
                            new NDList(perChannel.reshape(-1), perLayer.reshape(-1), counts))) {
                v = all.toDoubleArray();
                hostCopies++;
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return p.split(v, layouts, bins);
    }

    /** The plan for these shapes on this device, made (and its constants uploaded) when new. */
    private Plan plan(List<NDArray> activations) {
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
        if (plan != null && plan.shapes.equals(shapes) && plan.device.equals(device)) {
            return plan;
        }
        if (constants != null) {
            constants.close();
        }
        constants = activations.get(0).getManager().getEngine().newBaseManager(device);
        plan = new Plan(shapes, device, bins, constants);
        uploads += plan.uploads;
        return plan;
    }

    @Override
    public void close() {
        if (constants != null) {
            constants.close();
            constants = null;
            plan = null;
        }
    }

    /** Where every layer's rows, channels and blocks sit, and the index tensors that say so. */
    private static final class Plan {
        final List<Shape> shapes;
        final Device device;
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

        Plan(List<Shape> shapes, Device device, BinIndex binIndex, NDManager m) {
            this.shapes = List.copyOf(shapes);
            this.device = device;
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
         * Per layer, its aggregates from the copied vector: channel sums added up, dead channels
         * (no positive value) counted, extremes and slot counts read off.
         */
        List<double[]> split(double[] v, List<ActivationStats.Layout> layouts, BinIndex binIndex) {
            int perChannelLength = Math.toIntExact(channels * 4);
            int extremesAt = perChannelLength;
            int countsAt = extremesAt + 2 * layers;
            List<double[]> out = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                ActivationStats.Layout layout = layouts.get(i);
                double[] a = new double[layout.length()];
                double sum = 0;
                double squares = 0;
                double positives = 0;
                int dead = 0;
                for (int ch = 0; ch < layout.channels(); ch++) {
                    int at = 4 * (channelOffset[i] + ch);
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
                out.add(a);
            }
            return out;
        }

        private static long gcd(long a, long b) {
            return b == 0 ? a : gcd(b, a % b);
        }
    }
}
