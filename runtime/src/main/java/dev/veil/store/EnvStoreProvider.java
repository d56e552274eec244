package dev.veil.store;

import dev.veil.rules.StoreSpec;
import java.util.Map;
import java.util.Set;

/** {@code type: env}: values from environment variables ({@code prefix} + ref). For development only. */
public final class EnvStoreProvider implements SecretStoreProvider {
    @Override public String type() { return "env"; }

    @Override public Map<String, OptionKind> options() {
        return Map.of("prefix", OptionKind.STRING);
    }

    @Override public Set<String> required() { return Set.of(); }

    @Override public SecretStore open(StoreSpec spec) {
        Notices.once("env-store", "store '" + spec.name() + "' reads secrets from environment variables,"
                + " which the application can read too; use it for development only");
        String prefix = spec.option("prefix", String.class);
        return new EnvStore(spec.name(), prefix == null ? "" : prefix, System::getenv);
    }
}
