package dev.veil.policy;

import dev.veil.rules.Credential;

/**
 * The approval hook, consulted only for credentials with {@code approval: once} or {@code always}
 * and only after every static check allowed the use. The implementation decides what "once" and
 * "always" mean for its own bookkeeping (see {@link Credential#approval()}).
 */
public interface Approvals {
    /** Approves nothing: every credential that needs approval is denied "awaiting approval". */
    Approvals NONE = (agent, credential) -> false;
    /** Approves everything (tests, and rules without a human in the loop). */
    Approvals ALL = (agent, credential) -> true;

    boolean approved(String agent, Credential credential);

    /** Called when a use was denied for want of approval, so an approval flow can queue a request. */
    default void request(String agent, Credential credential, String destination) {}
}
