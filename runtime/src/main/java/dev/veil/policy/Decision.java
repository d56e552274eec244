package dev.veil.policy;

import dev.veil.rules.Credential;
import dev.veil.rules.Grant;
import dev.veil.rules.JdbcGrant;

/** The outcome of one policy check. Never carries a secret value. Immutable. */
public final class Decision {
    /** Why a use was allowed or denied; {@link Decision#reasonText()} gives the specifics. */
    public enum Reason {
        ALLOWED, UNKNOWN_PLACEHOLDER, UNKNOWN_CREDENTIAL, AGENT_NOT_ALLOWED, NO_RULE,
        HOST_NOT_ALLOWED, PORT_NOT_ALLOWED, URL_NOT_ALLOWED, METHOD_NOT_ALLOWED, PART_NOT_ALLOWED,
        JDBC_URL_NOT_ALLOWED, USER_NOT_ALLOWED, REVOKED, AWAITING_APPROVAL, RATE_EXCEEDED
    }

    private final Reason reason;
    private final String text;
    private final String subject;
    private final Credential credential;
    private final Grant grant;
    private final String rule;
    private final String agent;
    private final String method;
    private final String destination;

    Decision(Reason reason, String text, String subject, Credential credential, Grant grant, String rule,
             String agent, String method, String destination) {
        this.reason = reason;
        this.text = text;
        this.subject = subject;
        this.credential = credential;
        this.grant = grant;
        this.rule = rule;
        this.agent = agent;
        this.method = method;
        this.destination = destination;
    }

    public boolean allowed() { return reason == Reason.ALLOWED; }
    public Reason reason() { return reason; }
    /** The reason in words, with specifics, e.g. {@code method DELETE not allowed (rule allows GET, POST)}. */
    public String reasonText() { return text; }
    /** Null when the placeholder or credential name is unknown. */
    public Credential credential() { return credential; }
    /** Null when the placeholder or credential name is unknown. */
    public String credentialName() { return credential != null ? credential.name() : null; }
    /** When allowed, the grant that matched; when denied, the grant that came closest (null if none). */
    public Grant grant() { return grant; }
    /**
     * The rule that made the decision: a grant's {@code file:line:column}, or for checks made at
     * credential level a name such as {@code credential openai: rate}. Null for unknown placeholders.
     */
    public String rule() { return rule; }
    public String agent() { return agent; }
    /** Upper-case HTTP method; null for JDBC. */
    public String method() { return method; }
    /** The destination without user-info, query, fragment or JDBC properties. */
    public String destination() { return destination; }
    /** Whether an allowed JDBC use must stay read-only. */
    public boolean readOnly() {
        return allowed() && grant instanceof JdbcGrant && ((JdbcGrant) grant).readOnly();
    }

    /**
     * The user-facing message: names the credential, destination, agent and reason, never a value, e.g.
     * {@code veil: denied credential 'openai' for POST https://evil.example/x (agent research-agent): host not allowed by any rule}.
     */
    public String message() {
        return "veil: " + (allowed() ? "allowed " : "denied ") + subject + " for "
                + (method == null ? "" : method + " ") + destination
                + " (agent " + (agent.isEmpty() ? "<unnamed>" : agent) + "): " + reasonText();
    }

    /** What was decided on, as messages name it, e.g. {@code credential 'openai'}. */
    public String subject() { return subject; }

    @Override public String toString() { return message(); }
}
