package dev.veil.inject;

import java.io.IOException;

/** An HTTP request Veil refused to send; the message names credential, destination, agent and reason, never a value. */
public final class VeilDeniedException extends IOException {
    public VeilDeniedException(String message) {
        super(message);
    }
}
