package dev.veil.store;

import dev.veil.rules.StoreSpec;
import java.util.Map;
import java.util.Set;

/** Service-provider entry (META-INF/services/dev.veil.store.SecretStoreProvider) for one store type. */
public interface SecretStoreProvider {
    /** Types a store option may have in the rules file. */
    enum OptionKind { STRING, STRING_LIST, DURATION }

    /** The {@code type:} value in the rules file, e.g. {@code file}. */
    String type();

    /** Every option the type accepts (besides {@code type}), with its kind. */
    Map<String, OptionKind> options();

    /** Options that must be present. */
    Set<String> required();

    /** Opens the store; options were already checked against {@link #options()}. */
    SecretStore open(StoreSpec spec) throws StoreException;
}
