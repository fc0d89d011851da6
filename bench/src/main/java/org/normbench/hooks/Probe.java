package org.normbench.hooks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A named hook point: wraps one block of a model, forwards to it unchanged, then calls the hooks
 * attached to it. DJL has no forward hooks, so the model builder wraps every block a researcher may
 * want to look at (stem, each residual block, ...) in a {@code Probe}. With no hook attached the
 * cost is one empty-list check per forward. Not a place for computation: hooks observe only.
 */
public final class Probe extends AbstractBlock {
    private final String name;
    private final Block inner;
    private final List<ForwardHook> hooks = new CopyOnWriteArrayList<>();

    public Probe(String name, Block inner) {
        this.name = name;
        this.inner = addChildBlock(name.replace('.', '_'), inner);
    }

    /** Dotted model path of the wrapped block, e.g. {@code layer2.1}. */
    public String name() {
        return name;
    }

    public Block inner() {
        return inner;
    }

    /** Attaches a hook; prefer {@code Hooks.register(...)}, which returns a removable handle. */
    public void addHook(ForwardHook hook) {
        hooks.add(hook);
    }

    public boolean removeHook(ForwardHook hook) {
        return hooks.remove(hook);
    }

    public int hookCount() {
        return hooks.size();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList out = inner.forward(parameterStore, inputs, training, params);
        if (!hooks.isEmpty()) {
            for (ForwardHook hook : hooks) {
                hook.onForward(name, inputs, out, training);
            }
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inner.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        inner.initialize(manager, dataType, inputShapes);
    }

    @Override
    public String toString() {
        return "Probe(" + name + ")";
    }
}
