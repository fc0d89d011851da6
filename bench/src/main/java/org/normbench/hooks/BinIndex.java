package org.normbench.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Maps a float32 activation elementwise to int64 "slots" on its own device, exactly as {@link
 * HistogramSpec#binOf} bins it, for {@link Bincount} to count; {@link #binOfSlot} folds slots into
 * bins on the host. Not a histogram by itself and not for other dtypes.
 *
 * <p>Two ways, both exact. <b>Scaled</b> (found for the default spec and most others): slot cells
 * are {@code floor(x * scale + offset)} in float32. Rounding makes this differ from real
 * arithmetic, but it is monotone in {@code x} (rounding is), so it bins every float exactly as soon
 * as it does on both sides of every inner edge: at the edge's float32 form {@link
 * HistogramSpec#lowerAsFloat} and at the float just below. The constructor checks exactly that, in
 * Java float arithmetic (IEEE float32 like the device's separate mul and add kernels), for a few
 * candidate scales and offsets. With offset 0 the cells split at zero (cell < 0 exactly when x < 0,
 * checked too), so the slots also count the negative values. <b>Corrected</b> (when no candidate
 * passes, e.g. width 0.35): a float32 guess {@code floor((x - min) / width - 1/4)}, whose rounding
 * error stays below 0.13 bins because the spec keeps edges within 2^20 widths of zero, so it is the
 * right bin or the one below; one comparison of {@code x} with the float32 form of the guessed
 * bin's upper edge decides. A NaN activation lands in some valid slot (its statistics are
 * meaningless, but the step and, on CUDA, the context must survive it); the final integer clamp is
 * what guarantees that.
 */
final class BinIndex {
    private final HistogramSpec spec;
    private final boolean scaled;

    /**
     * Scaled path: cell = floor(x * scale + offset); cells firstCell..lastCell are the slots, bin 0
     * is cell binZeroCell.
     */
    private final float scale;

    private final float offset;
    private final long binZeroCell;
    private final long firstCell;
    private final long lastCell;
    private final boolean splitsAtZero;

    /**
     * Corrected path: float32 upper edge of bin k (NaN, which compares false, for the last bin).
     */
    private final float[] upperEdges;

    /** Corrected path: how far below the true bin position (in bins) the float32 guess aims. */
    private static final double GUESS_BIAS = 0.25;

    /**
     * Corrected path: the value the float32 guess measures from, a quarter bin above {@code min}.
     */
    private final float guessOrigin;

    BinIndex(HistogramSpec spec) {
        this.spec = spec;
        this.upperEdges = new float[spec.bins()];
        for (int k = 0; k < spec.bins(); k++) {
            upperEdges[k] = k == spec.bins() - 1 ? Float.NaN : spec.lowerAsFloat(k + 1);
        }
        this.guessOrigin = (float) (spec.min() + GUESS_BIAS * spec.width());
        float[] found = findScaleAndOffset(spec);
        this.scaled = found != null;
        this.scale = scaled ? found[0] : (float) (1 / spec.width());
        this.offset = scaled ? found[1] : 0f;
        this.binZeroCell =
                scaled ? cell(spec.bins() > 1 ? spec.lowerAsFloat(1) : 0f, scale, offset) - 1 : 0;
        this.splitsAtZero = scaled && offset == 0f && -Float.MIN_VALUE * scale < 0f;
        this.firstCell = scaled ? Math.min(binZeroCell, -1) : 0;
        this.lastCell = scaled ? Math.max(binZeroCell + spec.bins() - 1, 0) : spec.bins() - 1;
    }

    /**
     * floor(x * scale + offset) in float32, as the device computes it (separate mul and add
     * kernels).
     */
    private static long cell(float x, float scale, float offset) {
        float p = x * scale;
        return (long) Math.floor(offset == 0f ? p : p + offset);
    }

    /** A (scale, offset) whose cells bin every float exactly, or null; offset 0 is tried first. */
    private static float[] findScaleAndOffset(HistogramSpec spec) {
        float s0 = (float) (1 / spec.width());
        float c0 = (float) (-spec.min() / spec.width());
        float[] scales = {
            s0,
            Math.nextUp(s0),
            Math.nextDown(s0),
            Math.nextUp(Math.nextUp(s0)),
            Math.nextDown(Math.nextDown(s0))
        };
        float[] offsets = {0f, c0, Math.nextUp(c0), Math.nextDown(c0)};
        for (float c : offsets) {
            for (float s : scales) {
                if (s > 0 && exact(spec, s, c)) {
                    return new float[] {s, c};
                }
            }
        }
        return null;
    }

    /** True when cell(x) >= cell(bin 0) + k exactly for x >= lower(k), at every inner edge k. */
    private static boolean exact(HistogramSpec spec, float s, float c) {
        if (spec.bins() == 1) {
            return true;
        }
        long zero = cell(spec.lowerAsFloat(1), s, c) - 1;
        if (Math.abs(zero) + spec.bins() >= (1 << 24)) {
            return false;
        }
        for (int k = 1; k < spec.bins(); k++) {
            float t = spec.lowerAsFloat(k);
            if (cell(t, s, c) < zero + k || cell(Math.nextDown(t), s, c) > zero + k - 1) {
                return false;
            }
        }
        return true;
    }

    /** True on the scaled path (one elementwise chain), false on the corrected path. */
    boolean isScaled() {
        return scaled;
    }

    /**
     * True when the slots below zero hold exactly the negative values, so they need no separate
     * count.
     */
    boolean splitsAtZero() {
        return splitsAtZero;
    }

    HistogramSpec spec() {
        return spec;
    }

    int bins() {
        return spec.bins();
    }

    int slots() {
        return (int) (lastCell - firstCell + 1);
    }

    /** The histogram bin that slot {@code j} belongs to. */
    int binOfSlot(int j) {
        if (!scaled) {
            return j;
        }
        return (int) Math.max(0, Math.min(spec.bins() - 1, firstCell + j - binZeroCell));
    }

    /** True when every value in slot {@code j} is negative (only where {@link #splitsAtZero}). */
    boolean slotIsNegative(int j) {
        return splitsAtZero && firstCell + j < 0;
    }

    /**
     * The slot of every element of {@code x}, flattened, int64, on x's device and manager; uploads
     * its constants for this one call (the batched path keeps them: {@link #onDevice}).
     */
    NDArray slotsOf(NDArray x) {
        try (NDManager tmp = x.getManager().newSubManager()) {
            NDArray slots = cellsOf(x, onDevice(tmp)).sub(firstCell);
            slots.attach(x.getManager());
            return slots;
        }
    }

    /** The lowest cell {@link #cellsOf} gives: slot {@code j} is cell {@code firstCell + j}. */
    long firstCell() {
        return firstCell;
    }

    /**
     * The constants {@link #cellsOf} computes with, as tensors on {@code m}'s device: DJL turns a
     * Java number operand (and both bounds of {@code clip}) into a fresh device tensor on every
     * call, and {@code clip} even reads its bounds back with {@code item()}: on a GPU each is a
     * host-device copy that waits for the queue to drain.
     */
    OnDevice onDevice(NDManager m) {
        return new OnDevice(
                m.create(scale),
                m.create(offset),
                m.create(guessOrigin),
                m.create(upperEdges),
                m.create((float) (scaled ? firstCell : 0)),
                m.create((float) (scaled ? lastCell : spec.bins() - 1)),
                m.create(scaled ? firstCell : 0L),
                m.create(scaled ? lastCell : spec.bins() - 1L));
    }

    /** How many host-to-device uploads {@link #onDevice} makes. */
    static final int UPLOADS = 8;

    /** {@link BinIndex}'s constants on one device, made once by {@link #onDevice}. */
    record OnDevice(
            NDArray scale,
            NDArray offset,
            NDArray guessOrigin,
            NDArray upperEdges,
            NDArray lowF,
            NDArray highF,
            NDArray lowL,
            NDArray highL) {}

    /**
     * The cell of every element of {@code x}, flattened, int64 in {@code [firstCell, firstCell +
     * slots)}, on x's manager: a few elementwise passes with constants already on the device, no
     * host round trip.
     */
    NDArray cellsOf(NDArray x, OnDevice k) {
        return scaled ? scaledCells(x, k) : correctedCells(x, k);
    }

    /**
     * The slot {@link #slotsOf} gives {@code x}, computed on the host with the same float32
     * operations in the same order (Java float arithmetic is IEEE float32, never fused), so the two
     * agree exactly, NaN included (slot 0, where the device's final integer clamp puts it).
     * Clamping before the floor equals clamping after it because the bounds are integers; written
     * as {@code p >= lo ? p : lo} so that NaN, which compares false, takes the bound.
     */
    int slotOf(float x) {
        if (scaled) {
            float p = scale == 1f ? x : x * scale;
            if (offset != 0f) {
                p += offset;
            }
            p = p >= firstCell ? p : firstCell;
            p = p <= lastCell ? p : lastCell;
            return (int) ((long) Math.floor(p) - firstCell);
        }
        float g = (x - guessOrigin) * scale;
        g = g >= 0f ? g : 0f;
        g = g <= spec.bins() - 1 ? g : spec.bins() - 1;
        int k = (int) g;
        return x >= upperEdges[k] ? k + 1 : k;
    }

    private NDArray scaledCells(NDArray x, OnDevice k) {
        NDArray p = scale == 1f ? x : x.mul(k.scale());
        if (offset != 0f) {
            if (p == x) {
                p = x.add(k.offset());
            } else {
                p.addi(k.offset());
            }
        }
        // bounded in float32 first (an infinity has no int64 form), then in int64, where NaN lands
        return bounded(p.floor(), k).reshape(-1);
    }

    private NDArray correctedCells(NDArray x, OnDevice k) {
        NDArray flat = x.reshape(-1);
        // the guess aims a quarter bin low, so with its error below 0.13 bins it is exact or one
        // low
        NDArray guess = flat.sub(k.guessOrigin());
        guess.muli(k.scale());
        // bounded before the gather, whose indices must be valid even for NaN
        NDArray bin = bounded(guess, k);
        NDArray above = k.upperEdges().gather(bin, 0);
        above.attach(x.getManager());
        return bin.addi(flat.gte(above));
    }

    /** {@code v} bounded to the cells in float32, as int64, and bounded again in int64. */
    private static NDArray bounded(NDArray v, OnDevice k) {
        return v.maximum(k.lowF())
                .minimum(k.highF())
                .toType(DataType.INT64, false)
                .maximum(k.lowL())
                .minimum(k.highL());
    }
}
