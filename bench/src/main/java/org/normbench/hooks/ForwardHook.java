package org.normbench.hooks;

import ai.djl.ndarray.NDList;

/**
 * A function called after a hooked block's forward pass, like PyTorch's {@code
 * register_forward_hook}. It may read {@code input} and {@code output} but must not modify or close
 * them, and must not keep references to them after it returns (they are closed with the step's
 * NDManager scope).
 */
@FunctionalInterface
public interface ForwardHook {
    void onForward(String layer, NDList input, NDList output, boolean training);
}
