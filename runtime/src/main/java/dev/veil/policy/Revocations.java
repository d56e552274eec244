package dev.veil.policy;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Credentials revoked per agent, in memory. Agent {@code *} revokes a credential for every agent.
 * Reads are lock-free (an immutable map swapped on every change); changes are rare and synchronized.
 */
public final class Revocations {
    public static final String EVERY_AGENT = "*";

    private volatile Map<String, Set<String>> byAgent = Collections.emptyMap();

    public boolean isRevoked(String agent, String credential) {
        Map<String, Set<String>> m = byAgent;
        Set<String> all = m.get(EVERY_AGENT);
        if (all != null && all.contains(credential)) return true;
        Set<String> own = m.get(agent);
        return own != null && own.contains(credential);
    }

    public synchronized void revoke(String agent, String credential) {
        Map<String, Set<String>> copy = mutableCopy(byAgent);
        copy.computeIfAbsent(agent, a -> new TreeSet<>()).add(credential);
        byAgent = freeze(copy);
    }

    /** Undoes {@link #revoke}; returns whether the pair was revoked. */
    public synchronized boolean restore(String agent, String credential) {
        Map<String, Set<String>> copy = mutableCopy(byAgent);
        Set<String> set = copy.get(agent);
        boolean removed = set != null && set.remove(credential);
        if (set != null && set.isEmpty()) copy.remove(agent);
        byAgent = freeze(copy);
        return removed;
    }

    /** Replaces every revocation at once, e.g. after re-reading a grants file. */
    public synchronized void replaceAll(Map<String, ? extends Collection<String>> credentialsByAgent) {
        Map<String, Set<String>> copy = new TreeMap<>();
        credentialsByAgent.forEach((agent, creds) -> {
            if (!creds.isEmpty()) copy.put(agent, new TreeSet<>(creds));
        });
        byAgent = freeze(copy);
    }

    /** Revoked credentials by agent, both sorted. */
    public Map<String, Set<String>> snapshot() { return byAgent; }

    private static Map<String, Set<String>> mutableCopy(Map<String, Set<String>> m) {
        Map<String, Set<String>> copy = new TreeMap<>();
        m.forEach((agent, creds) -> copy.put(agent, new TreeSet<>(creds)));
        return copy;
    }

    private static Map<String, Set<String>> freeze(Map<String, Set<String>> m) {
        m.replaceAll((agent, creds) -> Collections.unmodifiableSet(creds));
        return Collections.unmodifiableMap(m);
    }
}
