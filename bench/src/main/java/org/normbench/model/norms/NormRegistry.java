package org.normbench.model.norms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Norms by name: the built-in {@code bn}, {@code gn}, {@code ln}, {@code rbn} and every {@link
 * Norm} registered with {@link ServiceLoader} on the classpath (a user's jar). Loaded once per
 * class loader. Not a factory of blocks itself: ask the {@link Norm}.
 */
public final class NormRegistry {
    /**
     * The built-ins in the order listings, grids and reports use; their names come from the classes
     * themselves. They are found through ServiceLoader like any plug-in; this list only orders
     * them.
     */
    private static final List<Norm> BUILT_INS =
            List.of(new BnNorm(), new GnNorm(), new LnNorm(), new RbnNorm());

    private static volatile Map<String, Norm> norms;

    private NormRegistry() {}

    /** The norm called {@code name} (case-sensitive, lower case by convention). */
    public static Norm get(String name) {
        Norm n = all().get(name);
        if (n == null) {
            throw new IllegalArgumentException(
                    "unknown norm '" + name + "'; allowed: " + String.join(", ", names()));
        }
        return n;
    }

    /**
     * Registered names: the built-ins first (bn, gn, ln, rbn), then others alphabetically. Tests
     * and benchmarks iterate over this list, so a registered norm gets all of them.
     */
    public static List<String> names() {
        return List.copyOf(all().keySet());
    }

    private static Map<String, Norm> all() {
        Map<String, Norm> m = norms;
        if (m == null) {
            synchronized (NormRegistry.class) {
                if (norms == null) {
                    norms = load();
                }
                m = norms;
            }
        }
        return m;
    }

    private static Map<String, Norm> load() {
        List<Norm> found = new ArrayList<>();
        ServiceLoader.load(Norm.class, NormRegistry.class.getClassLoader()).forEach(found::add);
        return index(found, BUILT_INS.stream().map(Norm::name).toList());
    }

    /**
     * Orders by {@code builtIns} then name, and rejects two norms with one name (which one would
     * win is undefined).
     */
    static Map<String, Norm> index(List<Norm> found, List<String> builtIns) {
        Map<String, Norm> byName = new LinkedHashMap<>();
        for (Norm n : found) {
            Norm prev = byName.put(n.name(), n);
            if (prev != null && prev.getClass() != n.getClass()) {
                throw new IllegalStateException(
                        "two norms are registered as '"
                                + n.name()
                                + "': "
                                + prev.getClass().getName()
                                + " and "
                                + n.getClass().getName()
                                + "; rename one");
            }
        }
        List<String> keys = new ArrayList<>(byName.keySet());
        keys.sort(
                (a, b) -> {
                    int ia = builtIns.indexOf(a);
                    int ib = builtIns.indexOf(b);
                    ia = ia < 0 ? Integer.MAX_VALUE : ia;
                    ib = ib < 0 ? Integer.MAX_VALUE : ib;
                    return ia != ib ? Integer.compare(ia, ib) : a.compareTo(b);
                });
        Map<String, Norm> ordered = new LinkedHashMap<>();
        keys.forEach(k -> ordered.put(k, byName.get(k)));
        return Collections.unmodifiableMap(ordered);
    }
}
