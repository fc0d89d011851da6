package org.normbench.model.norms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;
import org.normbench.engine.TorchRuntime;

/**
 * The check a run makes before it trusts rbn's optimised step on a device: on the CPU, where the
 * graph executor runs the step with TorchScript's symbolic gradients from its second call on, it
 * passes; a step that computes something else fails it, with the sizes of the differences.
 */
class RunningBatchNormFuseCheckTest {

    private static RunningBatchNormBlock block(double eps, double momentum, boolean optimised) {
        RunningBatchNormBlock b =
                new RunningBatchNormBlock("rbn", RunningBatchNormFuseCheck.CHANNELS, eps, momentum);
        b.graphOptimizer = optimised;
        return b;
    }

    @Test
    void theOptimisedStepMatchesThePlainStepOverEveryStep() {
        RunningBatchNormFuseCheck.Result r =
                RunningBatchNormFuseCheck.compare(
                        TorchRuntime.engine(),
                        Device.cpu(),
                        block(NormOptions.DEFAULT_EPS, NormOptions.DEFAULT_MOMENTUM, true),
                        block(NormOptions.DEFAULT_EPS, NormOptions.DEFAULT_MOMENTUM, false));
        assertTrue(r.passed(), r.describe());
        assertEquals(RunningBatchNormFuseCheck.BATCHES.length, r.steps());
        // The same arithmetic in the same order on one CPU: far inside the tolerances.
        assertTrue(r.forwardError() <= 1e-6 && r.gradientError() <= 1e-6, r.describe());
        assertTrue(r.describe().startsWith("passed: 9 steps against op by op"), r.describe());
    }

    @Test
    void aStepThatComputesSomethingElseFailsTheCheck() {
        // Another momentum: equal outputs at the first step (no history yet), then apart.
        RunningBatchNormFuseCheck.Result momentum =
                RunningBatchNormFuseCheck.compare(
                        TorchRuntime.engine(),
                        Device.cpu(),
                        block(NormOptions.DEFAULT_EPS, 0.5, true),
                        block(NormOptions.DEFAULT_EPS, NormOptions.DEFAULT_MOMENTUM, false));
        assertFalse(momentum.passed(), momentum.describe());
        assertTrue(momentum.forwardError() > RunningBatchNormFuseCheck.FORWARD_TOLERANCE);
        assertTrue(
                momentum.describe()
                        .startsWith("failed: the optimised step differs from op by op: output "),
                momentum.describe());
        assertTrue(momentum.describe().endsWith("; rbn runs op by op"), momentum.describe());

        // Another eps moves the output a little and the gradient more: each error is measured.
        RunningBatchNormFuseCheck.Result eps =
                RunningBatchNormFuseCheck.compare(
                        TorchRuntime.engine(),
                        Device.cpu(),
                        block(0.3, NormOptions.DEFAULT_MOMENTUM, false),
                        block(NormOptions.DEFAULT_EPS, NormOptions.DEFAULT_MOMENTUM, false));
        assertFalse(eps.passed(), eps.describe());
        assertTrue(
                eps.gradientError() > RunningBatchNormFuseCheck.GRADIENT_TOLERANCE, eps.describe());
    }

    @Test
    void scaledErrorIsTheLargestDifferenceOverOnePlusTheReferencesLargestMagnitude() {
        assertEquals(
                0.5 / 5,
                RunningBatchNormFuseCheck.scaledError(
                        new float[] {1, -4.5f, 0}, new float[] {1, -4, 0}),
                1e-12);
        assertTrue(
                Double.isNaN(
                        RunningBatchNormFuseCheck.scaledError(
                                new float[] {Float.NaN}, new float[] {1})));
    }
}
