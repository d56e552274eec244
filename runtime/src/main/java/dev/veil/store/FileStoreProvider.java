package dev.veil.store;

import dev.veil.rules.StoreSpec;
import java.util.Map;
import java.util.Set;

/** {@code type: file}: the encrypted vault file, the embedded default. */
public final class FileStoreProvider implements SecretStoreProvider {
    @Override public String type() { return "file"; }

    @Override public Map<String, OptionKind> options() {
        return Map.of("path", OptionKind.STRING, "key", OptionKind.STRING);
    }

    @Override public Set<String> required() { return Set.of(); }

    @Override public SecretStore open(StoreSpec spec) throws StoreException {
        throw new StoreException("store '" + spec.name() + "': file stores are not implemented yet");
    }
}
