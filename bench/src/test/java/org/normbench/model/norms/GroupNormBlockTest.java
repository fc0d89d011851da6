package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

class GroupNormBlockTest {

    /**
     * GroupNorm keeps its ones/zeros vectors in the parameter store's manager between calls; a
     * block used again with a new store after the first store's manager was closed must make them
     * anew (same output), not read released tensors, and a different spatial size must not reuse
     * vectors of the wrong length.
     */
    @Test
    void cachedConstantsAreRemadeWhenTheirManagerClosesOrTheInputSizeChanges() {
        Engine engine = TorchRuntime.engine();
        try (NDManager params = engine.newBaseManager()) {
            GroupNormBlock gn = new GroupNormBlock("gn", 8, 4, 1e-5);
            Shape shape = new Shape(2, 8, 3, 3);
            gn.initialize(params, DataType.FLOAT32, shape);
            NDArray x = params.randomNormal(shape);
            float[] first;
            try (NDManager m1 = params.newSubManager()) {
                first =
                        gn.forward(new ParameterStore(m1, false), new NDList(x), true)
                                .singletonOrThrow()
                                .toFloatArray();
            }
            try (NDManager m2 = params.newSubManager()) {
                ParameterStore ps = new ParameterStore(m2, false);
                assertArrayEquals(
                        first,
                        gn.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray());
                NDArray bigger = params.randomNormal(new Shape(2, 8, 5, 5));
                NDArray expected = bigger.reshape(2, 4, 50);
                expected =
                        expected.sub(expected.mean(new int[] {2}, true))
                                .div(
                                        expected.sub(expected.mean(new int[] {2}, true))
                                                .square()
                                                .mean(new int[] {2}, true)
                                                .add(1e-5)
                                                .sqrt())
                                .reshape(2, 8, 5, 5);
                assertArrayEquals(
                        expected.toFloatArray(),
                        gn.forward(ps, new NDList(bigger), true).singletonOrThrow().toFloatArray(),
                        1e-4f);
            }
        }
    }
}
