package org.normbench.model.activations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.UnaryOperator;

/**
 * A parameter-free, shape-preserving block applying one function to its single input: the
 * activations. Unlike DJL's LambdaBlock it reports its output shape without running the function on
 * a zero array. Not for anything with parameters or state.
 */
public final class ElementwiseBlock extends AbstractBlock {
    private final String label;
    private final UnaryOperator<NDArray> fn;

    public ElementwiseBlock(String label, UnaryOperator<NDArray> fn) {
        this.label = label;
        this.fn = fn;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(fn.apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return label;
    }
}
