package org.normbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills the native heap with NaN: allocates arrays of NaN of many sizes and frees them, so the next
 * allocations (with the tuned glibc malloc surefire and the launcher set, freed memory stays in the
 * heap) start out holding NaN instead of whatever a previous step left. Turns the intermittent
 * "loss NaN" of narrow models into a frequent one. Test helper only.
 */
final class NanHeap {
    private NanHeap() {}

    static void poison(NDManager manager) {
        List<NDArray> arrays = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            arrays.add(manager.full(new Shape(4096L << (i % 10)), Float.NaN));
        }
        arrays.forEach(NDArray::close);
    }
}
