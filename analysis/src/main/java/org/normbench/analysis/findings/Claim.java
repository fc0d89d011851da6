package org.normbench.analysis.findings;

import java.util.List;

/**
 * One of the study's pre-declared expectations (the README's three claims, split where a claim
 * names several norms), stated before any data is read: what is compared, and which sign the
 * difference should have. The single place that defines the claims; the report's text, the verdicts
 * and findings.csv all derive from this list.
 */
public record Claim(
        String id,
        String group,
        String statement,
        String effectDefinition,
        Expectation expectation) {

    /**
     * "Does not degrade" means: not worse by more than 2 accuracy points (declared before the
     * data).
     */
    public static final double NO_DEGRADATION_MARGIN = 0.02;

    public static final String SMALL_BATCH =
            "BatchNorm degrades at small batch; GroupNorm and LayerNorm do not";
    public static final String RBN = "RunningBatchNorm closes the small-batch gap";
    public static final String RELU = "ReLU units die where LeakyReLU's do not";

    public static final Claim BN_DEGRADES =
            new Claim(
                    "bn_small_batch_degrades",
                    SMALL_BATCH,
                    "BatchNorm's test accuracy at the smallest batch size minus at the largest is negative.",
                    "test_accuracy(bn, smallest batch) - test_accuracy(bn, largest batch)",
                    Expectation.negative());
    public static final Claim GN_HOLDS =
            new Claim(
                    "gn_small_batch_holds",
                    SMALL_BATCH,
                    "GroupNorm's same difference is about 0: not below -"
                            + NO_DEGRADATION_MARGIN
                            + " (2 accuracy points).",
                    "test_accuracy(gn, smallest batch) - test_accuracy(gn, largest batch)",
                    Expectation.notBelow(NO_DEGRADATION_MARGIN));
    public static final Claim LN_HOLDS =
            new Claim(
                    "ln_small_batch_holds",
                    SMALL_BATCH,
                    "LayerNorm's same difference is about 0: not below -"
                            + NO_DEGRADATION_MARGIN
                            + " (2 accuracy points).",
                    "test_accuracy(ln, smallest batch) - test_accuracy(ln, largest batch)",
                    Expectation.notBelow(NO_DEGRADATION_MARGIN));
    public static final Claim RBN_CLOSES_GAP =
            new Claim(
                    "rbn_closes_gap",
                    RBN,
                    "RunningBatchNorm's test accuracy minus BatchNorm's, both at the smallest batch size, is positive.",
                    "test_accuracy(rbn, smallest batch) - test_accuracy(bn, smallest batch)",
                    Expectation.positive());
    public static final Claim RELU_ZERO =
            new Claim(
                    "relu_dies_zero_frac",
                    RELU,
                    "ReLU's zero_frac minus LeakyReLU's (same norm and batch size), at the last logged step, averaged over "
                            + "hooked layers, is positive.",
                    "mean over layers of zero_frac at the last logged step: relu - leaky_relu",
                    Expectation.positive());
    public static final Claim RELU_DEAD_WINDOW =
            new Claim(
                    "relu_dies_dead_channels",
                    RELU,
                    "Secondary, stricter: ReLU's dead_channel_frac_window (channels exactly 0 for every element over the last "
                            + "W logged steps) minus LeakyReLU's, at the last logged step, averaged over layers, is positive.",
                    "mean over layers of dead_channel_frac_window at the last logged step: relu - leaky_relu",
                    Expectation.positive());

    /** In report order. */
    public static final List<Claim> ALL =
            List.of(BN_DEGRADES, GN_HOLDS, LN_HOLDS, RBN_CLOSES_GAP, RELU_ZERO, RELU_DEAD_WINDOW);

    public static final List<String> GROUPS = List.of(SMALL_BATCH, RBN, RELU);
}
