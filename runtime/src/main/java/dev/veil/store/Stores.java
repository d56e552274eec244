package dev.veil.store;

import dev.veil.rules.Rules;
import dev.veil.rules.StoreSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens the stores a rules file declares. */
public final class Stores {
    private Stores() {}

    /** Every store of {@code rules}, by name. All or nothing: on failure the ones already opened are closed. */
    public static Map<String, SecretStore> open(Rules rules) throws StoreException {
        Map<String, SecretStore> open = new LinkedHashMap<>();
        try {
            for (StoreSpec spec : rules.stores().values()) {
                SecretStoreProvider provider = StoreTypes.all().get(spec.type());
                if (provider == null) {
                    throw new StoreException("store '" + spec.name() + "': unknown type '" + spec.type()
                            + "' (known: " + String.join(", ", StoreTypes.all().keySet()) + ")");
                }
                open.put(spec.name(), provider.open(spec));
            }
            return Collections.unmodifiableMap(open);
        } catch (StoreException | RuntimeException e) {
            for (SecretStore s : open.values()) s.close();
            throw e;
        }
    }
}
