package org.normbench.train;

/**
 * One row of curves.csv: the training loss and learning rate at a logged step, and the validation
 * loss/accuracy when validation ran at that step (null otherwise).
 */
public record CurvePoint(
        int step, double epoch, double trainLoss, double lr, Double valLoss, Double valAccuracy) {

    CurvePoint withValidation(Evaluation e) {
        return new CurvePoint(step, epoch, trainLoss, lr, e.loss(), e.accuracy());
    }
}
