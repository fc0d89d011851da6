package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered norm must meet, the built-in ones and any a user registers with
 * ServiceLoader (docs/norms.md): the same tests run for each name in {@link NormRegistry#names()}.
 * Sizes are tiny so the whole suite stays fast; gradients are checked in float64.
 */
class NormConformanceTest {
    static final int C = 4;
    static final Shape X = new Shape(3, C, 3, 3);

    static Stream<String> norms() {
        return NormRegistry.names().stream();
    }

    static Stream<Arguments> normsAndModes() {
        return norms().flatMap(n -> Stream.of(Arguments.of(n, true), Arguments.of(n, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("norms")
    void hasPerChannelScaleOfOnesAndShiftOfZerosOnly(String name) {
        try (NormHarness h =
                new NormHarness(
                        NormRegistry.get(name), C, NormOptions.DEFAULTS, DataType.FLOAT32, X)) {
            List<Parameter> trainable = h.trainable();
            long count = trainable.stream().mapToLong(p -> p.getShape().size()).sum();
            assertEquals(
                    2L * C,
                    count,
                    name
                            + ": trainable parameters must be a per-channel scale and shift: "
                            + trainable);
            for (Parameter p : trainable) {
                double expected = p.getType() == Parameter.Type.GAMMA ? 1 : 0;
                for (double v : NormHarness.values(p.getArray())) {
                    assertEquals(
                            expected,
                            v,
                            0,
                            name + " " + p.getName() + " (" + p.getType() + ") initial value");
                }
            }
            assertEquals(
                    1,
                    trainable.stream().filter(p -> p.getType() == Parameter.Type.GAMMA).count(),
                    name + ": one GAMMA parameter");
        }
    }

    @ParameterizedTest(name = "{0} training={1}")
    @MethodSource("normsAndModes")
    void preservesShapeAndDataTypeAndGivesFiniteValues(String name, boolean training) {
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            try (NormHarness h =
                    new NormHarness(NormRegistry.get(name), C, NormOptions.DEFAULTS, dt, X)) {
                NDArray y = h.forward(h.random(X, 1), training);
                assertEquals(X, y.getShape(), name);
                assertEquals(dt, y.getDataType(), name);
                for (double v : NormHarness.values(y)) {
                    assertTrue(Double.isFinite(v), name + " gave " + v);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} training={1}")
    @MethodSource("normsAndModes")
    void batchOfOneWorksOrFailsWithAClearMessage(String name, boolean training) {
        Norm norm = NormRegistry.get(name);
        Shape one = new Shape(1, C, 3, 3);
        try (NormHarness h =
                new NormHarness(norm, C, NormOptions.DEFAULTS, DataType.FLOAT32, one)) {
            if (!training) {
                h.forward(h.random(new Shape(2, C, 3, 3), 2), true); // some running state first
            }
            NDArray x = h.random(one, 3);
            if (norm.supportsBatchOfOne(training)) {
                double[] y = h.forwardValues(x, training);
                for (double v : y) {
                    assertTrue(Double.isFinite(v), name + " at batch 1 gave " + v);
                }
            } else {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> h.forward(x, training));
                assertTrue(
                        e.getMessage().contains(name) && e.getMessage().contains("batch size 1"),
                        e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0} training={1}")
    @MethodSource("normsAndModes")
    void gradientsMatchFiniteDifferencesInFloat64(String name, boolean training) {
        try (NormHarness h =
                new NormHarness(
                        NormRegistry.get(name), C, NormOptions.DEFAULTS, DataType.FLOAT64, X)) {
            // Non-trivial affine and (for stateful norms) non-trivial running state first.
            perturbAffine(h);
            h.forward(h.random(X, 11), true);
            byte[] state = h.snapshot();
            NDArray x = h.random(X, 12);
            NDArray weights = h.random(X, 13);
            List<double[]> analytic = h.gradients(x.duplicate(), weights, training);

            double eps = 1e-6;
            double[] xv = NormHarness.values(x);
            // Every 5th input element (stride coprime to the 9 positions and 4 channels, so all
            // samples,
            // channels and positions are hit): keeps the suite fast on a busy 2-core machine.
            int checked = (xv.length + 4) / 5;
            double[] numericX = new double[checked];
            double[] analyticX = new double[checked];
            for (int k = 0; k < checked; k++) {
                numericX[k] = centralDifference(h, state, weights, training, xv, 5 * k, eps, -1);
                analyticX[k] = analytic.get(0)[5 * k];
            }
            assertClose(name + " d/dx", numericX, analyticX);
            List<Parameter> params = h.trainable();
            for (int p = 0; p < params.size(); p++) {
                h.restore(state);
                double[] pv = NormHarness.values(h.trainable().get(p).getArray());
                double[] numeric = new double[pv.length];
                for (int i = 0; i < pv.length; i++) {
                    numeric[i] = centralDifference(h, state, weights, training, xv, i, eps, p);
                }
                assertClose(name + " d/d" + params.get(p).getName(), numeric, analytic.get(p + 1));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("norms")
    void evalOutputOfEachSampleDoesNotDependOnTheOthersWhereDeclared(String name) {
        Norm norm = NormRegistry.get(name);
        try (NormHarness h = new NormHarness(norm, C, NormOptions.DEFAULTS, DataType.FLOAT64, X)) {
            h.forward(h.random(X, 21), true);
            assertIndependence(h, norm.batchIndependentInEval(), false, name + " eval");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("norms")
    void trainingOutputOfEachSampleDependsOnTheOthersExactlyAsDeclared(String name) {
        Norm norm = NormRegistry.get(name);
        try (NormHarness h = new NormHarness(norm, C, NormOptions.DEFAULTS, DataType.FLOAT64, X)) {
            h.forward(h.random(X, 22), true);
            assertIndependence(h, norm.batchIndependentInTraining(), true, name + " training");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("norms")
    void evalChangesNoStateAndStateSurvivesSaveAndLoad(String name) {
        Norm norm = NormRegistry.get(name);
        try (NormHarness h = new NormHarness(norm, C, NormOptions.DEFAULTS, DataType.FLOAT64, X)) {
            h.forward(h.random(X, 31), true);
            h.forward(h.random(X, 32), true);
            NDArray probe = h.random(X, 33);
            double[] first = h.forwardValues(probe, false);
            double[] second = h.forwardValues(probe, false);
            assertArrayEquals(first, second, 0, name + ": eval must not update state");
            byte[] state = h.snapshot();
            try (NormHarness fresh =
                    new NormHarness(norm, C, NormOptions.DEFAULTS, DataType.FLOAT64, X)) {
                fresh.restore(state);
                assertArrayEquals(
                        first,
                        fresh.forwardValues(fresh.array(NormHarness.values(probe), X), false),
                        0,
                        name + ": state after save and load");
            }
        }
    }

    private static void assertIndependence(
            NormHarness h, boolean independent, boolean training, String what) {
        byte[] state = h.snapshot();
        NDArray a = h.random(X, 41);
        double[] av = NormHarness.values(a);
        double[] bv = NormHarness.values(h.random(X, 42));
        long perSample = X.size() / X.get(0);
        // Same sample 0, different samples 1..N-1.
        System.arraycopy(av, 0, bv, 0, (int) perSample);
        double[] ya = h.forwardValues(a, training);
        h.restore(state);
        double[] yb = h.forwardValues(h.array(bv, X), training);
        h.restore(state);
        double maxDiff = 0;
        for (int i = 0; i < perSample; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ya[i] - yb[i]));
        }
        if (independent) {
            assertTrue(
                    maxDiff < 1e-12,
                    what
                            + ": sample 0 output changed by "
                            + maxDiff
                            + " when only other samples changed");
        } else {
            assertTrue(
                    maxDiff > 1e-6,
                    what
                            + ": declared batch-dependent but sample 0 did not change ("
                            + maxDiff
                            + ")");
        }
    }

    private static void perturbAffine(NormHarness h) {
        int k = 0;
        for (Parameter p : h.trainable()) {
            double[] v = NormHarness.values(p.getArray());
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.3 * Math.sin(1.7 * ++k);
            }
            setValues(h, p, v);
        }
    }

    private static void setValues(NormHarness h, Parameter p, double[] v) {
        NormHarness.setValues(p.getArray(), v);
    }

    /**
     * d sum(y * weights) / d (x[i] when param < 0, else trainable param's element i), from the
     * snapshot state.
     */
    private static double centralDifference(
            NormHarness h,
            byte[] state,
            NDArray weights,
            boolean training,
            double[] xv,
            int i,
            double eps,
            int param) {
        double[] f = new double[2];
        for (int sign = 0; sign < 2; sign++) {
            double delta = sign == 0 ? eps : -eps;
            h.restore(state);
            double[] x = xv.clone();
            if (param < 0) {
                x[i] += delta;
            } else {
                Parameter p = h.trainable().get(param);
                double[] pv = NormHarness.values(p.getArray());
                pv[i] += delta;
                setValues(h, p, pv);
            }
            f[sign] = h.forward(h.array(x, X), training).mul(weights).sum().getDouble();
        }
        return (f[0] - f[1]) / (2 * eps);
    }

    private static void assertClose(String what, double[] numeric, double[] analytic) {
        assertEquals(numeric.length, analytic.length, what);
        double worst = 0;
        for (int i = 0; i < numeric.length; i++) {
            worst =
                    Math.max(
                            worst,
                            Math.abs(numeric[i] - analytic[i]) / Math.max(1, Math.abs(numeric[i])));
        }
        assertTrue(
                worst < 1e-5,
                what
                        + ": max relative error "
                        + worst
                        + "\n numeric "
                        + Arrays.toString(numeric)
                        + "\n analytic "
                        + Arrays.toString(analytic));
        double norm = 0;
        for (double a : analytic) {
            norm += a * a;
        }
        assertTrue(norm > 0, what + ": gradient is identically zero");
    }
}
