package dev.veil.store;

import dev.veil.rules.StoreSpec;
import java.util.Map;
import java.util.Set;

/** {@code type: env}: values from environment variables. For development only. */
public final class EnvStoreProvider implements SecretStoreProvider {
    @Override public String type() { return "env"; }

    @Override public Map<String, OptionKind> options() {
        return Map.of("prefix", OptionKind.STRING);
    }

    @Override public Set<String> required() { return Set.of(); }

    @Override public SecretStore open(StoreSpec spec) throws StoreException {
        throw new StoreException("store '" + spec.name() + "': env stores are not implemented yet");
    }
}
