package dev.veil.rules;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** One entry of {@code credentials:}. Immutable. */
public final class Credential {
    /** When a human must approve use. */
    public enum Approval { NONE, ONCE, ALWAYS }

    private final String name;
    private final String placeholder;
    private final String store;
    private final String ref;
    private final Duration ttl;
    private final Set<String> agents;
    private final List<Grant> allow;
    private final Rate rate;
    private final Approval approval;

    public Credential(String name, String placeholder, String store, String ref, Duration ttl,
                      Set<String> agents, List<Grant> allow, Rate rate, Approval approval) {
        this.name = name;
        this.placeholder = placeholder;
        this.store = store;
        this.ref = ref;
        this.ttl = ttl;
        this.agents = Set.copyOf(agents);
        this.allow = List.copyOf(allow);
        this.rate = rate;
        this.approval = approval;
    }

    public String name() { return name; }
    /** The string the application is configured with, e.g. {@code veil:openai}. */
    public String placeholder() { return placeholder; }
    /** Store name (the part of {@code source} before the first slash). */
    public String store() { return store; }
    /** Reference inside the store (the part of {@code source} after the first slash). */
    public String ref() { return ref; }
    public Duration ttl() { return ttl; }
    /** Agents allowed to use this credential; empty means every agent. */
    public Set<String> agents() { return agents; }
    public boolean allowsAgent(String agent) { return agents.isEmpty() || agents.contains(agent); }
    public List<Grant> allow() { return allow; }
    /** Per agent and credential; null means unlimited. */
    public Rate rate() { return rate; }
    public Approval approval() { return approval; }

    @Override public String toString() { return "credential " + name; }
}
