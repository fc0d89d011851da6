package org.normbench.train;

/**
 * One feature of the training loop (metrics, schedule, stats, progress, ...), fastai style: the
 * {@link Learner} calls these events in order and each callback reads or changes the learner's
 * state. A callback cancels work by throwing {@link CancelBatchException}, {@link
 * CancelEpochException} or {@link CancelFitException}. Callbacks run in ascending {@link #order()};
 * equal orders keep registration order. Not for heavy work on every batch: it runs inside the timed
 * step.
 */
public interface Callback {
    /**
     * Lower runs first. Built-ins: schedule 0, stats 20, recorder 30, guard 40, user default 50,
     * progress 90, timer 100.
     */
    default int order() {
        return 50;
    }

    default void beforeFit(Learner learner) {}

    default void beforeEpoch(Learner learner) {}

    /** The batch's host data is known but nothing is on the device yet. */
    default void beforeBatch(Learner learner) {}

    /** Forward done, {@link Learner#loss()} set, gradients not yet computed. */
    default void afterLoss(Learner learner) {}

    default void afterBackward(Learner learner) {}

    /** Parameters updated; the step's NDArrays are still open. */
    default void afterStep(Learner learner) {}

    /** End of a batch that completed or was cancelled with {@link CancelBatchException}. */
    default void afterBatch(Learner learner) {}

    default void afterEpoch(Learner learner) {}

    default void beforeValidate(Learner learner) {}

    /** {@link Learner#lastValidation()} holds the result. */
    default void afterValidate(Learner learner) {}

    /** Always runs, also after a cancelled or failed fit; release resources here. */
    default void afterFit(Learner learner) {}
}
