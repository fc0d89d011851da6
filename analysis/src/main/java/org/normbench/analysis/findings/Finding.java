package org.normbench.analysis.findings;

import org.normbench.analysis.stats.Difference;

/**
 * One evaluated expectation: which claim, under which learning-rate protocol and setting (of which
 * {@code model} is the cells.csv architecture, kept apart for filtering), for which activation,
 * norm and batch size(s), the effect with its 95% CI over seeds, and the verdict with its reason.
 * One row of findings.csv.
 */
public record Finding(
        Claim claim,
        String protocol,
        String setting,
        String model,
        String activation,
        String norm,
        int batchSize,
        int otherBatchSize,
        Difference effect,
        int divergedAsChance,
        Verdict verdict,
        String reason) {}
