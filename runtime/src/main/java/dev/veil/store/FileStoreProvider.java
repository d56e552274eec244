package dev.veil.store;

import dev.veil.rules.StoreSpec;
import java.util.Map;
import java.util.Set;

/**
 * {@code type: file}: the encrypted vault file, the embedded default. Options: {@code path}
 * (default {@value Vault#DEFAULT_PATH}) and {@code key} (default {@value Vault#DEFAULT_KEY}).
 */
public final class FileStoreProvider implements SecretStoreProvider {
    @Override public String type() { return "file"; }

    @Override public Map<String, OptionKind> options() {
        return Map.of("path", OptionKind.STRING, "key", OptionKind.STRING);
    }

    @Override public Set<String> required() { return Set.of(); }

    @Override public SecretStore open(StoreSpec spec) throws StoreException {
        String path = spec.option("path", String.class);
        String key = spec.option("key", String.class);
        key = key == null ? Vault.DEFAULT_KEY : key;
        try {
            KeySource.check(key);
        } catch (VaultException e) {
            throw new StoreException("store '" + spec.name() + "': " + e.getMessage(), e);
        }
        return new FileStore(spec.name(), Vault.path(path == null ? Vault.DEFAULT_PATH : path), key);
    }
}
