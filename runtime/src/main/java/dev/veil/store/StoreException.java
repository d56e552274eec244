package dev.veil.store;

/** A store could not produce a value. The message names the store and reference, never a value. */
public class StoreException extends Exception {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
