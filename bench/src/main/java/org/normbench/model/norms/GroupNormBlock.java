package org.normbench.model.norms;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;

/**
 * GroupNorm (Wu and He 2018): statistics per sample over each group of {@code C/G} channels and all
 * positions, then a per-channel affine. {@code G = 1} is this project's LayerNorm ({@code ln}: over
 * C, H, W per sample), {@code G = C} is instance norm. Same in training and eval; no running state.
 *
 * <p>Why torch's {@code group_norm}, through a {@link ScriptedOp} (DJL's JNI does not bind it): it
 * is one fused kernel forward and one backward, statistics and affine together, what PyTorch's
 * {@code nn.GroupNorm} runs. The map built from the ops DJL binds (layer_norm over (N, G, C/G*H*W),
 * then the per-channel affine as a batch_norm kernel in eval mode) is the same up to float rounding
 * (GroupNormBlockTest holds the two to each other, values and gradients) but costs 4 kernels and,
 * for G &gt; 1, 4 reshapes per layer and step: gn at 1.48x PyTorch eager's ops per step, ln at 1.1x
 * (docs/performance.md, {@code make bench-ops}), where a GPU step is bound by that per-op cost.
 */
public final class GroupNormBlock extends PerChannelNormBlock {
    private final int groups;

    /** torch.group_norm with this block's groups and eps; loaded on first use per manager. */
    private ScriptedOp groupNorm;

    public GroupNormBlock(String normName, int channels, int groups, double eps) {
        super(normName, channels, eps);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(
                    "norm "
                            + normName
                            + ": option groups="
                            + groups
                            + " does not divide "
                            + channels
                            + " channels");
        }
        this.groups = groups;
    }

    public int groups() {
        return groups;
    }

    @Override
    protected NDArray normalize(
            ParameterStore ps, NDArray x, NDArray g, NDArray b, boolean training) {
        NDManager manager = ps.getManager();
        if (groupNorm == null || !groupNorm.loadedIn(manager)) {
            // Loaded where the parameters live (outlives the step); eps exactly as a double
            // literal (Double.toString round-trips); cudnn_enabled is unused by group_norm.
            groupNorm =
                    ScriptedOp.load(
                            manager,
                            "GroupNorm",
                            "x: Tensor, weight: Tensor, bias: Tensor",
                            "Tensor",
                            "    return torch.group_norm(x, "
                                    + groups
                                    + ", weight, bias, "
                                    + Double.toString(eps)
                                    + ", False)\n");
        }
        return groupNorm.call(x, g, b);
    }

    /**
     * The same map from the ops DJL binds: layer_norm over each group, then the per-channel affine.
     * Not on the training path: the reference that GroupNormBlockTest holds {@link #normalize} to.
     */
    static NDArray composite(NDArray x, NDArray g, NDArray b, int groups, double eps) {
        Shape shape = x.getShape();
        NDManager m = x.getManager();
        long n = shape.get(0);
        long perGroup = shape.size() / n / groups;
        NDArray y =
                LayerNorm.layerNorm(
                                x.reshape(n, groups, perGroup),
                                new Shape(perGroup),
                                m.ones(new Shape(perGroup), x.getDataType(), x.getDevice()),
                                m.zeros(new Shape(perGroup), x.getDataType(), x.getDevice()),
                                (float) eps)
                        .singletonOrThrow()
                        .reshape(shape);
        return channelAffine(y, g, b);
    }

    @Override
    public String toString() {
        return "GroupNormBlock(" + channels + ", groups=" + groups + ")";
    }
}
