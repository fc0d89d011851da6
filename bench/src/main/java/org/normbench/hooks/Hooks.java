package org.normbench.hooks;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.normbench.grid.LayerPattern;

/**
 * Registers {@link ForwardHook}s on the named {@link Probe}s of a model, the way PyTorch's {@code
 * register_forward_hook} does on modules. Names are matched exactly or with a glob ({@code *} any
 * run of characters, {@code ?} one character), e.g. {@code layer*} for every residual block or
 * {@code *} for every probe; several patterns are separated by commas ({@code stem,layer*}). Not a
 * way to change a model's output: hooks observe.
 */
public final class Hooks {
    private Hooks() {}

    /**
     * Attaches {@code fn} to every probe whose name matches {@code nameOrGlob}.
     *
     * @throws IllegalArgumentException when nothing matches, listing the probe names the model has
     */
    public static HookHandle register(Block model, String nameOrGlob, ForwardHook fn) {
        if (fn == null) {
            throw new IllegalArgumentException("hook function is null");
        }
        List<Probe> matched = probes(model, nameOrGlob);
        for (Probe p : matched) {
            p.addHook(fn);
        }
        return new HookHandle(matched, fn);
    }

    /** The probes whose name matches {@code nameOrGlob}, in depth order; never empty. */
    public static List<Probe> probes(Block model, String nameOrGlob) {
        if (nameOrGlob == null || nameOrGlob.isBlank()) {
            throw new IllegalArgumentException(
                    "empty layer name or pattern; available probes: " + probeNames(model));
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String part : LayerPattern.parts(nameOrGlob)) {
            patterns.add(LayerPattern.glob(part));
        }
        List<Probe> matched = new ArrayList<>();
        for (Probe p : allProbes(model)) {
            if (patterns.stream().anyMatch(q -> q.matcher(p.name()).matches())) {
                matched.add(p);
            }
        }
        if (matched.isEmpty()) {
            throw new IllegalArgumentException(
                    "no probe matches '"
                            + nameOrGlob
                            + "'; available probes: "
                            + probeNames(model)
                            + " (exact name, or a glob with * and ?)");
        }
        return matched;
    }

    /** Names of all probes in the model, in depth order (input to output). */
    public static List<String> probeNames(Block model) {
        return allProbes(model).stream().map(Probe::name).toList();
    }

    /** All probes, pre-order over the block tree, which is forward order for sequential models. */
    public static List<Probe> allProbes(Block model) {
        List<Probe> out = new ArrayList<>();
        collect(model, out);
        return out;
    }

    private static void collect(Block block, List<Probe> out) {
        if (block instanceof Probe p) {
            out.add(p);
        }
        for (Block child : block.getChildren().values()) {
            collect(child, out);
        }
    }
}
