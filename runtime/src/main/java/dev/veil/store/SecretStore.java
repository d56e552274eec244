package dev.veil.store;

/**
 * Where real values live. Implementations are found by {@link SecretStoreProvider} (ServiceLoader),
 * so new kinds of store plug in without touching the engine. Must be safe for concurrent use.
 */
public interface SecretStore extends AutoCloseable {
    /**
     * Fetches the current value of {@code ref}. The caller owns the returned array and zeroes it
     * when done. Errors never contain a value.
     */
    char[] fetch(String ref) throws StoreException;

    @Override
    default void close() {}
}
