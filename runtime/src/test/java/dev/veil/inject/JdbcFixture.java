package dev.veil.inject;

import dev.veil.audit.AuditEvent;
import dev.veil.audit.AuditLog;
import dev.veil.audit.DeferredAuditLog;
import dev.veil.audit.AuditQuery;
import dev.veil.policy.Approvals;
import dev.veil.policy.PolicyEngine;
import dev.veil.policy.Revocations;
import dev.veil.rules.Rules;
import dev.veil.rules.RulesLoader;
import dev.veil.scrub.Scrubber;
import dev.veil.store.SecretCache;
import dev.veil.store.SecretStore;
import dev.veil.store.StoreException;
import dev.veil.testing.TestEvidence;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An injector for JDBC tests with a store whose values the test changes (store {@code t}; declared in the rules as an
 * env store, replaced here), a clock the test moves, a real audit log and scrubber.
 */
final class JdbcFixture implements AutoCloseable {
    final Map<String, String> values = new ConcurrentHashMap<>();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    final Revocations revocations = new Revocations();
    final Injector injector;
    final Scrubber scrubber;
    final Path auditFile;
    private final SecretCache cache;
    private final AuditLog audit;

    /** {@code credentials} is the YAML under {@code credentials:}, indented by two. */
    JdbcFixture(String agent, String credentials) throws Exception {
        Rules rules = RulesLoader.parse("rules.yaml", "version: 1\nstores: {t: {type: env}}\ncredentials:\n" + credentials
                + "audit: {path: '" + TestEvidence.auditFile("jdbc") + "'}\n", Map.of());
        Clock clock = new Clock() {
            @Override public long millis() { return millis.get(); }
            @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
        };
        SecretStore store = ref -> {
            fetches.incrementAndGet();
            String v = values.get(ref);
            if (v == null) throw new StoreException("store 't' has no '" + ref + "'");
            return v.toCharArray();
        };
        scrubber = new Scrubber(rules.scrub());
        auditFile = rules.auditPath();
        audit = AuditLog.open(auditFile, new AuditLog.Options().scrubber(scrubber::scrub));
        cache = new SecretCache(Map.of("t", store), rules.onStoreError(), rules.maxStale(), clock);
        injector = new Injector(rules, agent, new PolicyEngine(rules, clock, Approvals.NONE, revocations), cache, scrubber, DeferredAuditLog.of(audit));
    }

    List<AuditEvent> audit() throws Exception {
        return new AuditQuery().run(auditFile);
    }

    @Override public void close() throws Exception {
        cache.close();
        audit.close();
    }
}
