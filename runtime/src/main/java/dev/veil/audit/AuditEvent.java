package dev.veil.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One audit record. Built with {@link #builder()} (what happened); {@link AuditLog#append} fills in
 * ts, seq, pid, prev and hash. Immutable.
 */
public final class AuditEvent {
    /** The event kinds of DESIGN.md. */
    public static final Set<String> EVENTS =
            Set.of("inject", "deny", "scrub", "approve", "revoke", "reload", "store-error", "rotate");

    private final String ts;
    private final long seq;
    private final String agent;
    private final long pid;
    private final String event;
    private final String credential;
    private final String destination;
    private final String method;
    private final String rule;
    private final String reason;
    private final String prev;
    private final String hash;

    AuditEvent(String ts, long seq, String agent, long pid, String event, String credential, String destination,
               String method, String rule, String reason, String prev, String hash) {
        this.ts = ts;
        this.seq = seq;
        this.agent = agent;
        this.pid = pid;
        this.event = event;
        this.credential = credential;
        this.destination = destination;
        this.method = method;
        this.rule = rule;
        this.reason = reason;
        this.prev = prev;
        this.hash = hash;
    }

    public static Builder builder() { return new Builder(); }

    /** This record with {@code hash} set. */
    AuditEvent sealed(String hash) {
        return new AuditEvent(ts, seq, agent, pid, event, credential, destination, method, rule, reason, prev, hash);
    }

    /** ISO-8601 UTC with milliseconds, as written; null before the event was appended. */
    public String ts() { return ts; }
    public Instant timestamp() { return ts == null ? null : Instant.parse(ts); }
    /** 1-based position in the log; 0 before the event was appended. */
    public long seq() { return seq; }
    public String agent() { return agent; }
    public long pid() { return pid; }
    public String event() { return event; }
    public String credential() { return credential; }
    public String destination() { return destination; }
    public String method() { return method; }
    /** The rule location {@code file:line:column}, or a name. */
    public String rule() { return rule; }
    public String reason() { return reason; }
    /** The hash of the previous record, or {@link AuditCodec#GENESIS} for the first. */
    public String prev() { return prev; }
    public String hash() { return hash; }

    /** The record as one JSON line (without the newline). */
    @Override public String toString() { return AuditCodec.json(this, true); }

    /** Collects what happened; everything but {@code event} may stay null. */
    public static final class Builder {
        private String agent;
        private String event;
        private String credential;
        private String destination;
        private String method;
        private String rule;
        private String reason;

        private Builder() {}

        public Builder event(String event) { this.event = event; return this; }
        public Builder agent(String agent) { this.agent = agent; return this; }
        public Builder credential(String credential) { this.credential = credential; return this; }
        public Builder destination(String destination) { this.destination = destination; return this; }
        public Builder method(String method) { this.method = method; return this; }
        public Builder rule(String rule) { this.rule = rule; return this; }
        public Builder reason(String reason) { this.reason = reason; return this; }

        public AuditEvent build() {
            Objects.requireNonNull(event, "audit event kind is required");
            if (!EVENTS.contains(event)) {
                throw new IllegalArgumentException("unknown audit event '" + event + "': expected one of " + new TreeSet<>(EVENTS));
            }
            return new AuditEvent(null, 0, agent, 0, event, credential, destination, method, rule, reason, null, null);
        }
    }
}
