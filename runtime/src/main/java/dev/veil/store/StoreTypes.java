package dev.veil.store;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every store type on the class path, by {@code type:} name. */
public final class StoreTypes {
    private static final Map<String, SecretStoreProvider> ALL = load();

    private StoreTypes() {}

    public static Map<String, SecretStoreProvider> all() { return ALL; }

    private static Map<String, SecretStoreProvider> load() {
        Map<String, SecretStoreProvider> m = new TreeMap<>();
        for (SecretStoreProvider p : ServiceLoader.load(SecretStoreProvider.class, StoreTypes.class.getClassLoader())) {
            m.putIfAbsent(p.type(), p);
        }
        return Collections.unmodifiableMap(m);
    }
}
