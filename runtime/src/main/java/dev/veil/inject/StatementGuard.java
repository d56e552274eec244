package dev.veil.inject;

import dev.veil.policy.Decision;
import dev.veil.rules.JdbcGrant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What checking statements needs of a login, kept for every guarded connection as long as it lives: read-only,
 * the statement rate and names for messages, never a value. Small on purpose: an application that opens many
 * short connections has every one of them in the weak connection map until a collection clears it, and whatever
 * hangs there is copied by each young collection (the whole {@link JdbcLogin}, properties and all, made H2
 * in-memory connects pause for 100 ms and more). Logins under equal decisions share one guard ({@link Shared}).
 */
public final class StatementGuard {
    private final boolean readOnly;
    private final boolean statementRate;
    private final List<Decision> decisions;

    private StatementGuard(boolean readOnly, boolean statementRate, List<Decision> decisions) {
        this.readOnly = readOnly;
        this.statementRate = statementRate;
        this.decisions = decisions;
    }

    /** The guards of one set of rules, one per distinct set of decisions, up to {@link #MAX} of them. Thread-safe. */
    static final class Shared {
        /** Past this many destinations, guards are no longer shared, so that an unbounded variety cannot fill memory. */
        private static final int MAX = 256;
        private final ConcurrentHashMap<List<Object>, StatementGuard> guards = new ConcurrentHashMap<>();

        /** The guard for a login made under {@code decisions} (immutable), or null if its statements need no check. */
        StatementGuard of(List<Decision> decisions) {
            boolean ro = false;
            boolean rate = false;
            for (Decision d : decisions) {
                ro |= d.readOnly();
                rate |= d.grant() instanceof JdbcGrant && ((JdbcGrant) d.grant()).statementRate() != null;
            }
            if (!ro && !rate) return null;
            // Everything a statement check reads of a decision, including what a rate denial copies from it.
            List<Object> key = new ArrayList<>(decisions.size() * 5);
            for (Decision d : decisions) {
                key.add(d.grant());
                key.add(d.credential());
                key.add(d.agent());
                key.add(d.destination());
                key.add(d.subject());
            }
            StatementGuard known = guards.get(key);
            if (known != null) return known;
            StatementGuard fresh = new StatementGuard(ro, rate, decisions);
            if (guards.size() >= MAX) return fresh;
            known = guards.putIfAbsent(key, fresh);
            return known != null ? known : fresh;
        }
    }

    public boolean readOnly() { return readOnly; }
    /** Whether a grant limits statements per minute. */
    public boolean statementRate() { return statementRate; }
    List<Decision> decisions() { return decisions; }
    /** The (first) credential, for messages. */
    String credential() { return decisions.get(0).credentialName(); }
    /** The destination without user-info or properties. */
    String destination() { return decisions.get(0).destination(); }
}
