package org.normbench.model.norms;

import ai.djl.nn.Block;
import java.util.Set;

/** {@code gn}: GroupNorm, 32 groups by default (rule in {@link NormOptions#resolveGroups}). */
public final class GnNorm implements Norm {
    @Override
    public String name() {
        return "gn";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("groupnorm", "groupnorm2d", "group");
    }

    @Override
    public String description() {
        return "GroupNorm: per sample over groups of channels (default 32 groups) and positions";
    }

    @Override
    public Set<String> optionNames() {
        return Set.of(NormOptions.GROUPS, NormOptions.EPS);
    }

    @Override
    public Block create(int channels, NormOptions options) {
        return new GroupNormBlock(
                name(), channels, options.resolveGroups(name(), channels), options.eps());
    }

    @Override
    public boolean supportsBatchOfOne(boolean training) {
        return true;
    }

    @Override
    public boolean batchIndependentInTraining() {
        return true;
    }
}
