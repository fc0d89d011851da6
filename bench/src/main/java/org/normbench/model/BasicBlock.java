package org.normbench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ResNet's BasicBlock: conv3x3-norm-act-conv3x3-norm plus the shortcut (identity, or 1x1 conv +
 * norm where stride or width change), then the activation of the sum. {@link ResNet18} wraps each
 * in a {@code Probe}, so hooks see this block's output. Not a bottleneck block (ResNet50).
 */
public final class BasicBlock extends AbstractBlock {
    private final Block conv1;
    private final Block norm1;
    private final Block act1;
    private final Block conv2;
    private final Block norm2;
    private final Block shortcut;
    private final Block act2;

    BasicBlock(
            Block conv1,
            Block norm1,
            Block act1,
            Block conv2,
            Block norm2,
            Block shortcut,
            Block act2) {
        this.conv1 = addChildBlock("conv1", conv1);
        this.norm1 = addChildBlock("norm1", norm1);
        this.act1 = addChildBlock("act1", act1);
        this.conv2 = addChildBlock("conv2", conv2);
        this.norm2 = addChildBlock("norm2", norm2);
        this.shortcut = shortcut == null ? null : addChildBlock("shortcut", shortcut);
        this.act2 = addChildBlock("act2", act2);
    }

    public boolean hasProjection() {
        return shortcut != null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList y = conv1.forward(ps, inputs, training, params);
        y = norm1.forward(ps, y, training, params);
        y = act1.forward(ps, y, training, params);
        y = conv2.forward(ps, y, training, params);
        y = norm2.forward(ps, y, training, params);
        NDArray skip =
                shortcut == null
                        ? inputs.singletonOrThrow()
                        : shortcut.forward(ps, inputs, training, params).singletonOrThrow();
        return act2.forward(ps, new NDList(y.singletonOrThrow().add(skip)), training, params);
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        conv1.initialize(manager, dataType, inputShapes);
        Shape[] s = conv1.getOutputShapes(inputShapes);
        norm1.initialize(manager, dataType, s);
        act1.initialize(manager, dataType, s);
        conv2.initialize(manager, dataType, s);
        s = conv2.getOutputShapes(s);
        norm2.initialize(manager, dataType, s);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
        act2.initialize(manager, dataType, s);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
    }

    @Override
    public String toString() {
        return "BasicBlock";
    }
}
