package org.normbench.train;

/** Mean cross-entropy loss and accuracy in [0,1] of a model on {@code count} images (eval mode). */
public record Evaluation(double loss, double accuracy, int count) {}
