package dev.veil.store;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * A {@link Vault} as a store. Opened on first fetch, not at start-up: the implied {@code local}
 * store exists in every rules file, and Argon2 should cost nothing for an application that never
 * uses it. Each fetch sees values written by the CLI since (the vault re-reads a changed file).
 */
final class FileStore implements SecretStore {
    private final String name;
    private final Path file;
    private final String keySpec;
    private Vault vault; // guarded by this

    FileStore(String name, Path file, String keySpec) {
        this.name = name;
        this.file = file;
        this.keySpec = keySpec;
    }

    @Override public char[] fetch(String ref) throws StoreException {
        try {
            return vault().get(ref);
        } catch (VaultException e) {
            throw new StoreException("store '" + name + "': " + e.getMessage(), e);
        }
    }

    private synchronized Vault vault() throws VaultException {
        if (vault == null) {
            char[] key = KeySource.resolve(keySpec);
            try {
                vault = Vault.open(file, key);
            } finally {
                Arrays.fill(key, '\0');
            }
        }
        return vault;
    }

    @Override public synchronized void close() {
        if (vault != null) vault.close();
        vault = null;
    }

    @Override public String toString() { return "store " + name + " (vault " + file + ")"; }
}
