package org.normbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Test helper: the NDArrays that outlive a training step. Counts what is attached to the learner's
 * manager tree (the manager holding the model's parameters, which the learner created when it
 * initialised the model) minus what is in the current step's scope: parameters, gradients and
 * optimizer state, plus anything a block or callback wrongly created in a long-lived manager (an
 * op's result joins its first operand's manager, so {@code weight.reshape(..)} lands next to the
 * weight and lives until the learner closes). Call it during a step, e.g. from {@code afterBatch}.
 * Not for models initialised outside the learner.
 */
final class LiveArrays {
    private LiveArrays() {}

    /** Arrays in the learner's manager tree that are not in the current step scope. */
    static List<NDArray> outsideStep(Learner l) {
        NDManager root = l.model().getParameters().valueAt(0).getArray().getManager();
        Set<NDArray> inStep = Collections.newSetFromMap(new IdentityHashMap<>());
        if (l.scope() != null) {
            inStep.addAll(l.scope().getManagedArrays());
        }
        return root.getManagedArrays().stream().filter(a -> !inStep.contains(a)).toList();
    }

    /** Total bytes of tensor data in {@code arrays}. */
    static long bytes(List<NDArray> arrays) {
        long sum = 0;
        for (NDArray a : arrays) {
            sum += a.getShape().size() * a.getDataType().getNumOfBytes();
        }
        return sum;
    }
}
