package dev.veil.policy;

import dev.veil.rules.Credential;
import dev.veil.rules.HttpGrant;
import java.util.List;
import java.util.Locale;

/** What {@code rules explain} prints: every credential's decision for one agent, method and URL. */
public final class Explanation {
    private final String agent;
    private final String method;
    private final String destination;
    private final List<Decision> decisions;

    Explanation(String agent, String method, String destination, List<Decision> decisions) {
        this.agent = agent;
        this.method = method;
        this.destination = destination;
        this.decisions = List.copyOf(decisions);
    }

    public String agent() { return agent; }
    public String method() { return method; }
    public String destination() { return destination; }
    /** One decision per credential, in rules-file order. */
    public List<Decision> decisions() { return decisions; }
    public boolean anyAllowed() { return decisions.stream().anyMatch(Decision::allowed); }

    /**
     * Deterministic text, one line per credential, e.g.
     * {@code openai: inject by rules.yaml:9:9 (in: header; rate: 120/min; approval: none)} or
     * {@code github: deny by rules.yaml:20:9: url not allowed by any rule}.
     */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append("agent ").append(agent.isEmpty() ? "<unnamed>" : agent).append(", ")
                .append(method).append(' ').append(destination).append('\n');
        if (decisions.isEmpty()) b.append("(no credentials)\n");
        for (Decision d : decisions) {
            Credential c = d.credential();
            b.append(c.name()).append(": ");
            if (d.allowed()) {
                b.append("inject by ").append(d.rule())
                        .append(" (in: ").append(PolicyEngine.parts((HttpGrant) d.grant()))
                        .append("; rate: ").append(c.rate() == null ? "unlimited" : c.rate().toString())
                        .append("; approval: ").append(c.approval() == null ? "none" : c.approval().name().toLowerCase(Locale.ROOT))
                        .append(")\n");
            } else {
                b.append("deny by ").append(d.rule()).append(": ").append(d.reasonText()).append('\n');
            }
        }
        return b.toString();
    }

    @Override public String toString() { return format(); }
}
