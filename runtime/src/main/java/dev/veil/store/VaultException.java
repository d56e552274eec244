package dev.veil.store;

/**
 * A vault or vault-key problem. {@link #kind()} tells the CLI which case it is; the message says
 * what and where (the file), never a key or a value.
 */
public final class VaultException extends StoreException {
    /** What went wrong. */
    public enum Kind {
        /** The vault file does not exist. */
        MISSING,
        /** {@code init} on a vault file that already exists. */
        EXISTS,
        /** The key setting names an environment variable that is unset or empty, or an empty key file. */
        KEY_MISSING,
        /** The key file cannot be read. */
        KEY_UNREADABLE,
        /** The key setting is not {@code env:NAME} or {@code file:PATH}. */
        KEY_SPEC,
        /** The key does not open this vault. */
        WRONG_KEY,
        /** The file failed its integrity check or authentication: a byte was changed. */
        CORRUPT,
        /** The file is shorter than its header says. */
        TRUNCATED,
        /** Not a Veil vault file (bad magic). */
        BAD_FORMAT,
        /** A vault format version this Veil does not read. */
        UNSUPPORTED_VERSION,
        /** No entry with that name. */
        NOT_FOUND,
        /** A bad entry name or value given to put/get/remove. */
        INVALID,
        /** Any other I/O failure reading or writing the vault. */
        IO
    }

    private final Kind kind;

    VaultException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    VaultException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() { return kind; }
}
