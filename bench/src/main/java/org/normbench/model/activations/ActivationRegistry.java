package org.normbench.model.activations;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Activations by name: built-in {@code relu}, {@code leaky_relu}, plus any registered with {@link
 * ServiceLoader}.
 */
public final class ActivationRegistry {
    /** The built-ins in listing order; found through ServiceLoader, this list only orders them. */
    private static final List<Activation> BUILT_INS =
            List.of(new ReluActivation(), new LeakyReluActivation());

    private static volatile Map<String, Activation> acts;

    private ActivationRegistry() {}

    public static Activation get(String name) {
        Activation a = all().get(name);
        if (a == null) {
            throw new IllegalArgumentException(
                    "unknown activation '" + name + "'; allowed: " + String.join(", ", names()));
        }
        return a;
    }

    /**
     * Registered names: relu, leaky_relu, then others alphabetically. Tests iterate over this list,
     * so a registered activation gets all of them.
     */
    public static List<String> names() {
        return List.copyOf(all().keySet());
    }

    private static Map<String, Activation> all() {
        Map<String, Activation> m = acts;
        if (m == null) {
            synchronized (ActivationRegistry.class) {
                if (acts == null) {
                    acts = load();
                }
                m = acts;
            }
        }
        return m;
    }

    private static Map<String, Activation> load() {
        List<Activation> found = new ArrayList<>();
        ServiceLoader.load(Activation.class, ActivationRegistry.class.getClassLoader())
                .forEach(found::add);
        List<String> builtIns = BUILT_INS.stream().map(Activation::name).toList();
        Map<String, Activation> byName = new LinkedHashMap<>();
        for (Activation a : found) {
            Activation prev = byName.put(a.name(), a);
            if (prev != null && prev.getClass() != a.getClass()) {
                throw new IllegalStateException(
                        "two activations are registered as '"
                                + a.name()
                                + "': "
                                + prev.getClass().getName()
                                + " and "
                                + a.getClass().getName()
                                + "; rename one");
            }
        }
        List<String> keys = new ArrayList<>(byName.keySet());
        keys.sort(
                (x, y) -> {
                    int ix = builtIns.indexOf(x);
                    int iy = builtIns.indexOf(y);
                    ix = ix < 0 ? Integer.MAX_VALUE : ix;
                    iy = iy < 0 ? Integer.MAX_VALUE : iy;
                    return ix != iy ? Integer.compare(ix, iy) : x.compareTo(y);
                });
        Map<String, Activation> ordered = new LinkedHashMap<>();
        keys.forEach(k -> ordered.put(k, byName.get(k)));
        return Collections.unmodifiableMap(ordered);
    }
}
