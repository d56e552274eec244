package dev.veil.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.AuditLog;
import dev.veil.audit.DeferredAuditLog;
import dev.veil.policy.Approvals;
import dev.veil.policy.PolicyEngine;
import dev.veil.rules.Rules;
import dev.veil.rules.RulesLoader;
import dev.veil.scrub.Encodings;
import dev.veil.scrub.Scrubber;
import dev.veil.store.SecretCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a JDBC URL's real value goes and in which form, per driver; and which hosts the decision sees. */
class InjectorJdbcUrlTest {
    /** Every character a URL parser may take for syntax. */
    private static final String PW = "pw%41+@:/x,y?=" + Long.toHexString(System.nanoTime());
    private static final String AMP = "pw&sslMode=disable" + Long.toHexString(System.nanoTime());

    @TempDir Path dir;
    private AuditLog audit;
    private SecretCache cache;
    private Injector injector;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(dir.resolve("db"), PW);
        Files.writeString(dir.resolve("amp"), AMP);
        String yaml = "version: 1\n"
                + "stores: {t: {type: exec, command: [cat, '" + dir + "/{ref}']}}\n"
                + "credentials:\n"
                + "  db: {source: t/db, allow: [{jdbc: 'jdbc:mysql://db:*/orders'}, {jdbc: 'jdbc:mariadb://db:*/orders'},"
                + " {jdbc: 'jdbc:postgresql://db:*/orders'}]}\n"
                + "  amp: {source: t/amp, allow: [{jdbc: 'jdbc:mariadb://db:*/orders'}]}\n"
                + "audit: {path: '" + dir.resolve("audit.jsonl") + "'}\n";
        Rules rules = RulesLoader.parse("rules.yaml", yaml, Map.of());
        Scrubber scrubber = new Scrubber(rules.scrub());
        audit = AuditLog.open(rules.auditPath(), new AuditLog.Options().scrubber(scrubber::scrub));
        cache = SecretCache.forRules(rules);
        injector = new Injector(rules, "app", new PolicyEngine(rules, Clock.systemUTC(), Approvals.NONE), cache, scrubber, DeferredAuditLog.of(audit));
    }

    @AfterEach
    void close() throws Exception {
        cache.close();
        audit.close();
    }

    @Test
    void mysqlDecodesUserInfoAndOptionsSoBothArePercentEncoded() throws Exception {
        String enc = Encodings.percent(PW);
        assertEquals("jdbc:mysql://bob:" + enc + "@db/orders?password=" + enc + "&ssl=true",
                injector.jdbc("jdbc:mysql://bob:veil:db@db/orders?password=veil:db&ssl=true", null, null, null).url());
        assertEquals("jdbc:postgresql://db/orders?user=bob&password=" + enc,
                injector.jdbc("jdbc:postgresql://db/orders?user=bob&password=veil:db", null, null, null).url());
    }

    @Test
    void mariadbReadsItsOptionsAsTheyAre() throws Exception {
        assertEquals("jdbc:mariadb://db/orders?user=bob&password=" + PW,
                injector.jdbc("jdbc:mariadb://db/orders?user=bob&password=veil:db", null, null, null).url());
        VeilDeniedException e = assertThrows(VeilDeniedException.class,
                () -> injector.jdbc("jdbc:mariadb://db/orders?user=bob&password=veil:amp", null, null, null));
        assertTrue(e.getMessage().contains("veil:amp") && e.getMessage().contains("'&'"), e.getMessage());
        assertFalse(e.getMessage().contains(AMP));
        // As a property, where it can be given, the same value is fine.
        assertEquals(AMP, injector.jdbc("jdbc:mariadb://db/orders", null, "bob", "veil:amp").password());
    }

    @Test
    void aHostBehindAnotherHostsUserInfoIsDecidedToo() {
        VeilDeniedException e = assertThrows(VeilDeniedException.class,
                () -> injector.jdbc("jdbc:mysql://bob:veil:db@evil.example,bob:veil:db@db/orders", null, null, null));
        assertTrue(e.getMessage().contains("evil.example"), e.getMessage());
    }
}
