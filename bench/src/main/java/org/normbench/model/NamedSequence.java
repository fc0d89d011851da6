package org.normbench.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Blocks applied one after another, each under a readable name ({@code conv}, {@code norm}, ...),
 * so that the summary table and parameter paths read like PyTorch's. DJL's SequentialBlock names
 * its children by class; this one keeps the names the model builder gives. Not for branching
 * graphs.
 */
public final class NamedSequence extends AbstractBlock {
    private final List<String> names = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();

    public NamedSequence add(String name, Block block) {
        names.add(name);
        blocks.add(addChildBlock(name, block));
        return this;
    }

    /** Child names in order (without DJL's numeric prefix). */
    public List<String> names() {
        return Collections.unmodifiableList(names);
    }

    public List<Block> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (Block b : blocks) {
            x = b.forward(ps, x, training, params);
        }
        return x;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] s = inputShapes;
        for (Block b : blocks) {
            b.initialize(manager, dataType, s);
            s = b.getOutputShapes(s);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (Block b : blocks) {
            s = b.getOutputShapes(s);
        }
        return s;
    }

    @Override
    public String toString() {
        return "NamedSequence" + names;
    }
}
