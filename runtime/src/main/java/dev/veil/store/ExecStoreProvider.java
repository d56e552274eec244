package dev.veil.store;

import dev.veil.rules.StoreSpec;
import java.util.Map;
import java.util.Set;

/** {@code type: exec}: runs a command (argv template with {@code {ref}}) whose stdout is the value. */
public final class ExecStoreProvider implements SecretStoreProvider {
    @Override public String type() { return "exec"; }

    @Override public Map<String, OptionKind> options() {
        return Map.of("command", OptionKind.STRING_LIST, "timeout", OptionKind.DURATION);
    }

    @Override public Set<String> required() { return Set.of("command"); }

    @Override public SecretStore open(StoreSpec spec) throws StoreException {
        throw new StoreException("store '" + spec.name() + "': exec stores are not implemented yet");
    }
}
