package dev.veil.rules;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A loaded, validated rules file. Immutable. */
public final class Rules {
    /** What to do when a store cannot be reached. */
    public enum StoreErrorMode { FAIL_CLOSED, SERVE_STALE }

    private final String origin;
    private final Map<String, StoreSpec> stores;
    private final Map<String, Credential> credentials;
    private final ScrubSettings scrub;
    private final boolean blockRealSecrets;
    private final Path auditPath;
    private final Duration auditSync;
    private final StoreErrorMode onStoreError;
    private final Duration maxStale;
    private final Duration rotationWindow;

    public Rules(String origin, Map<String, StoreSpec> stores, Map<String, Credential> credentials,
                 ScrubSettings scrub, boolean blockRealSecrets, Path auditPath, Duration auditSync,
                 StoreErrorMode onStoreError, Duration maxStale, Duration rotationWindow) {
        this.origin = origin;
        this.stores = Collections.unmodifiableMap(new LinkedHashMap<>(stores));
        this.credentials = Collections.unmodifiableMap(new LinkedHashMap<>(credentials));
        this.scrub = scrub;
        this.blockRealSecrets = blockRealSecrets;
        this.auditPath = auditPath;
        this.auditSync = auditSync;
        this.onStoreError = onStoreError;
        this.maxStale = maxStale;
        this.rotationWindow = rotationWindow;
    }

    /** Where the rules came from (a file path, or "builtin" for scrub-only mode). */
    public String origin() { return origin; }
    /** Stores by name; always contains the implied {@code local} file vault unless it was redefined. */
    public Map<String, StoreSpec> stores() { return stores; }
    /** Credentials by name, in file order. */
    public Map<String, Credential> credentials() { return credentials; }
    public ScrubSettings scrub() { return scrub; }
    public boolean blockRealSecrets() { return blockRealSecrets; }
    public Path auditPath() { return auditPath; }
    /** How soon an audit record is forced to disk after it is written; zero: before the call it records returns. */
    public Duration auditSync() { return auditSync; }
    public StoreErrorMode onStoreError() { return onStoreError; }
    /** How long a stale value may be served while its store is failing (serve-stale only). */
    public Duration maxStale() { return maxStale; }
    /**
     * How long a JDBC connect the database refused for authentication is retried with the credential fetched
     * again (while it is being rotated); zero disables the retry.
     */
    public Duration rotationWindow() { return rotationWindow; }
}
