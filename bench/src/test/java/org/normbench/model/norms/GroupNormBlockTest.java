package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
     * GroupNorm keeps its TorchScript op in the parameter store's manager between calls; a block
     * used again with a new store after the first store's manager was closed must load it anew
     * (same output), not call a deleted module, and a different spatial size must work with the
     * same op.
     */
    @Test
    void scriptedOpIsReloadedWhenItsManagerClosesAndServesAnyInputSize() {
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

    /**
     * torch's group_norm (what the block runs) against the same map built from ops DJL binds
     * (layer_norm per group, then the per-channel affine): equal up to float rounding in the output
     * and in the gradients of x, gamma and beta, for gn (4 groups, G = C) and ln (G = 1), and with
     * a non-default eps (which a wrong constant in the script would break). Mean 3 and std 2 make
     * the normalisation do real work.
     */
    @Test
    void groupNormOpMatchesTheCompositeOfLayerNormAndChannelAffine() {
        Engine engine = TorchRuntime.engine();
        for (int[] groupsAndChannels : new int[][] {{4, 8}, {1, 8}, {8, 8}}) {
            for (double eps : new double[] {1e-5, 0.5}) {
                int groups = groupsAndChannels[0];
                int channels = groupsAndChannels[1];
                try (NDManager m = engine.newBaseManager()) {
                    engine.setRandomSeed(7);
                    Shape shape = new Shape(3, channels, 5, 4);
                    NDArray x0 = m.randomNormal(shape).mul(2).add(3);
                    NDArray g0 = m.randomNormal(new Shape(channels)).add(1);
                    NDArray b0 = m.randomNormal(new Shape(channels));
                    NDArray upstream = m.randomNormal(shape);
                    GroupNormBlock block = new GroupNormBlock("gn", channels, groups, eps);
                    ParameterStore ps = new ParameterStore(m, false);
                    float[][] scripted =
                            valueAndGrads(
                                    engine,
                                    x0,
                                    g0,
                                    b0,
                                    upstream,
                                    (x, g, b) -> block.normalize(ps, x, g, b, true));
                    float[][] composite =
                            valueAndGrads(
                                    engine,
                                    x0,
                                    g0,
                                    b0,
                                    upstream,
                                    (x, g, b) -> GroupNormBlock.composite(x, g, b, groups, eps));
                    String what = "groups=" + groups + " eps=" + eps;
                    String[] parts = {"y", "dx", "dgamma", "dbeta"};
                    for (int i = 0; i < parts.length; i++) {
                        assertArrayEquals(
                                composite[i],
                                scripted[i],
                                2e-5f * (1 + maxAbs(composite[i])),
                                what + ": " + parts[i]);
                    }
                }
            }
        }
    }

    /** An input whose name DJL would read as a list/tuple/dict marker is refused, not misrouted. */
    @Test
    void markedInputNameIsRefusedWithTheReason() {
        Engine engine = TorchRuntime.engine();
        try (NDManager m = engine.newBaseManager()) {
            GroupNormBlock block = new GroupNormBlock("gn", 4, 2, 1e-5);
            NDArray x = m.randomNormal(new Shape(2, 4, 3, 3));
            NDArray g = m.ones(new Shape(4));
            g.setName("layer.gamma");
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    block.normalize(
                                            new ParameterStore(m, false),
                                            x,
                                            g,
                                            m.zeros(new Shape(4)),
                                            false));
            assertTrue(e.getMessage().contains("'layer.gamma'"), e.getMessage());
        }
    }

    private interface Norm3 {
        NDArray apply(NDArray x, NDArray g, NDArray b);
    }

    private static float[][] valueAndGrads(
            Engine engine, NDArray x0, NDArray g0, NDArray b0, NDArray upstream, Norm3 norm) {
        NDArray x = x0.duplicate();
        NDArray g = g0.duplicate();
        NDArray b = b0.duplicate();
        x.setRequiresGradient(true);
        g.setRequiresGradient(true);
        b.setRequiresGradient(true);
        float[] y;
        try (var gc = engine.newGradientCollector()) {
            NDArray out = norm.apply(x, g, b);
            y = out.toFloatArray();
            gc.backward(out.mul(upstream).sum());
        }
        return new float[][] {
            y,
            x.getGradient().toFloatArray(),
            g.getGradient().toFloatArray(),
            b.getGradient().toFloatArray()
        };
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
