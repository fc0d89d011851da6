package org.normbench.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Maps a float32 activation elementwise to int64 "slots" on its own device, exactly as
 * {@link HistogramSpec#binOf} bins it, for {@link Bincount} to count; {@link #binOfSlot} folds slots
 * into bins on the host. Not a histogram by itself and not for other dtypes.
 *
 * <p>Two ways, both exact. <b>Grid</b> (the default spec and any whose bin width is a power of two
 * {@code <= 1} and whose edges are whole multiples of it): multiplying by {@code 1 / width} is exact
 * in float32 (a power of two >= 1 neither rounds nor underflows), so {@code floor(x / width)} is the
 * grid cell with no rounding anywhere; slots are the clamped cells, and because 0 is always a cell
 * edge, the slots below zero count the negative values for free. <b>General</b>: a float32 guess
 * {@code floor((x - min) / width)}, which rounding can put one bin off next to an edge (the spec
 * keeps edges within 2^20 widths of zero so it is never further off), corrected by comparing
 * {@code x} with the float32 form of its guessed bin's two edges ({@link HistogramSpec#lowerAsFloat}).
 * A NaN activation lands in some valid slot (its statistics are meaningless, but the step and, on
 * CUDA, the context must survive it); the final integer clamp is what guarantees that.
 */
final class BinIndex {
    private final HistogramSpec spec;
    /** Grid path: 1 / width, and the first and last clamped grid cell; unused on the general path. */
    private final float scale;
    private final long firstCell;
    private final long lastCell;
    private final boolean grid;
    /** General path: float32 lower edge of bin k (-inf for k = 0) and upper edge (NaN for the last bin, never reached). */
    private final float[] lowerEdges;
    private final float[] upperEdges;

    BinIndex(HistogramSpec spec) {
        this.spec = spec;
        double w = spec.width();
        double s = 1 / w;
        double cells = spec.min() * s;
        this.grid = s >= 1 && s == Math.scalb(1.0, Math.getExponent(s)) && cells == Math.rint(cells)
                && Math.abs(cells) + spec.bins() < (1 << 24) && edgesOnGrid(spec, cells, w);
        this.scale = (float) s;
        this.firstCell = grid ? Math.min((long) cells, -1) : 0;
        this.lastCell = grid ? Math.max((long) cells + spec.bins() - 1, 0) : spec.bins() - 1;
        this.lowerEdges = new float[spec.bins()];
        this.upperEdges = new float[spec.bins()];
        for (int k = 0; k < spec.bins(); k++) {
            lowerEdges[k] = k == 0 ? Float.NEGATIVE_INFINITY : spec.lowerAsFloat(k);
            upperEdges[k] = k == spec.bins() - 1 ? Float.NaN : spec.lowerAsFloat(k + 1);
        }
    }

    private static boolean edgesOnGrid(HistogramSpec spec, double cells, double w) {
        for (int k = 0; k < spec.bins(); k++) {
            if (spec.lower(k) != (cells + k) * w) {
                return false;
            }
        }
        return true;
    }

    boolean isGrid() {
        return grid;
    }

    int bins() {
        return spec.bins();
    }

    int slots() {
        return (int) (lastCell - firstCell + 1);
    }

    /** The histogram bin that slot {@code j} belongs to. */
    int binOfSlot(int j) {
        if (!grid) {
            return j;
        }
        long cell = firstCell + j;
        long minCell = Math.round(spec.min() * scale);
        return (int) Math.max(0, Math.min(spec.bins() - 1, cell - minCell));
    }

    /** True when every value in slot {@code j} is negative (grid path only; never on the general path). */
    boolean slotIsNegative(int j) {
        return grid && firstCell + j < 0;
    }

    /** The slot of every element of {@code x}, flattened, int64, on x's device and manager. */
    NDArray slotsOf(NDArray x) {
        return grid ? gridSlots(x) : correctedSlots(x);
    }

    private NDArray gridSlots(NDArray x) {
        NDArray cells = (scale == 1f ? x : x.mul(scale)).floor().clip(firstCell, lastCell);
        if (firstCell != 0) {
            cells.subi(firstCell);
        }
        return cells.toType(DataType.INT64, false).clip(0, slots() - 1).reshape(-1);
    }

    private NDArray correctedSlots(NDArray x) {
        NDArray flat = x.reshape(-1);
        NDArray guess = flat.sub((float) spec.min());
        guess.muli(scale);
        // clamped before the gathers, whose indices must be valid even for NaN
        NDArray k = guess.clip(0, spec.bins() - 1).toType(DataType.INT64, false).clip(0, spec.bins() - 1);
        NDArray below = x.getManager().create(lowerEdges).gather(k, 0);
        NDArray above = x.getManager().create(upperEdges).gather(k, 0);
        // k + [x >= upper edge] - [x < lower edge], written with additions (torch cannot subtract bools)
        k.addi(flat.gte(above));
        k.addi(flat.gte(below));
        k.subi(1);
        return k.clip(0, spec.bins() - 1);
    }
}
