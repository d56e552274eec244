package dev.veil.store;

import java.util.function.Function;

/**
 * {@code type: env}: the value of environment variable {@code prefix + ref}. For development only:
 * the application, and so the agent, can read its own environment, which is exactly what Veil is
 * meant to keep real values out of. Use a file or exec store for anything real.
 */
final class EnvStore implements SecretStore {
    private final String name;
    private final String prefix;
    private final Function<String, String> env;

    EnvStore(String name, String prefix, Function<String, String> env) {
        this.name = name;
        this.prefix = prefix;
        this.env = env;
    }

    @Override public char[] fetch(String ref) throws StoreException {
        String variable = prefix + ref;
        String value = env.apply(variable);
        if (value == null) throw new StoreException("store '" + name + "': environment variable " + variable + " is not set");
        if (value.isEmpty()) throw new StoreException("store '" + name + "': environment variable " + variable + " is empty");
        return value.toCharArray();
    }

    @Override public String toString() { return "store " + name + " (environment, prefix '" + prefix + "')"; }
}
