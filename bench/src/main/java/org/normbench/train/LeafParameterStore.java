package org.normbench.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Arrays;

/**
 * The {@link Learner}'s parameter store. During a training step it makes ONE fresh autograd leaf of
 * {@link FlatSgd}'s buffer (a detached alias of all trainable parameters: same memory, no gradient
 * yet) and hands every block a view of its parameter's slice of it ({@code split} once, then a
 * reshape for parameters with more than one axis), so the backward pass writes a new gradient of
 * the whole buffer: the split's backward gathers the parameters' gradients into one flat array,
 * which the optimizer takes as is. That is PyTorch's {@code zero_grad(set_to_none=True)} without a
 * zeroing pass, and without what a leaf per parameter costs natively every step: a detach per
 * parameter, autograd's detach per parameter when it stores the leaf's gradient, and a reshape per
 * parameter plus a {@code cat} to gather the gradients (186 ops per step for ResNet18's 62
 * parameter tensors, against about 45 here; docs/performance.md).
 *
 * <p>The views are made per step, not once: an in-place update of the buffer (the optimizer's)
 * changes the version of every view of it, after which libtorch replaces a view's backward by an
 * as_strided one that materialises a zero buffer of the whole storage per parameter, and a view
 * from {@code split} refuses to be used at all.
 *
 * <p>Outside a step (evaluation), and for parameters without a gradient (BatchNorm's running
 * statistics, updated in place), it returns the stored arrays as DJL's store does. The leaf, its
 * views and its gradient live in the step's scope and are released with it. Not thread-safe: one
 * step at a time.
 */
final class LeafParameterStore extends ParameterStore {
    private final FlatSgd flat;
    private final long[] splitPoints;
    private final NDArray[] views;
    private NDManager scope;
    private NDArray leaf;
    private NDList pieces;

    /**
     * @param flat the buffer that holds every trainable parameter of the model
     */
    LeafParameterStore(NDManager manager, FlatSgd flat) {
        super(manager, false);
        this.flat = flat;
        this.splitPoints = flat.splitPoints();
        this.views = new NDArray[flat.parameters().size()];
    }

    /** Leaves handed out from now on are created in {@code stepScope}. */
    void beginStep(NDManager stepScope) {
        forget();
        scope = stepScope;
    }

    /** Forgets this step's leaf and views (their scope closes them). */
    void endStep() {
        forget();
        scope = null;
    }

    private void forget() {
        leaf = null;
        pieces = null;
        Arrays.fill(views, null);
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
        if (parameter == null || !training || scope == null || !parameter.requiresGradient()) {
            return super.getValue(parameter, device, training);
        }
        int i = flat.position(parameter);
        if (i < 0) {
            throw new IllegalStateException(
                    "parameter "
                            + parameter.getName()
                            + " needs a gradient but is not one of the parameters the learner"
                            + " was built with (was it added to the model afterwards?)");
        }
        NDArray view = views[i];
        if (view == null) {
            if (leaf == null) {
                leaf = flat.flat().stopGradient();
                leaf.attach(scope);
                leaf.setRequiresGradient(true);
                pieces = leaf.split(splitPoints);
            }
            NDArray piece = pieces.get(i);
            view =
                    piece.getShape().equals(parameter.getShape())
                            ? piece
                            : piece.reshape(parameter.getShape());
            views[i] = view;
        }
        return view;
    }

    /**
     * This step's gradient of every trainable parameter after the backward pass, as one array in
     * the layout of {@link FlatSgd#flat()}, in the step scope; zeros for parameters the forward
     * pass did not use.
     */
    NDArray flatGradient() {
        NDArray g = leaf == null ? flat.flat().zerosLike() : leaf.getGradient();
        g.attach(scope);
        return g;
    }
}
