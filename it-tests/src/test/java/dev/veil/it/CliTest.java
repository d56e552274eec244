package dev.veil.it;

import dev.veil.testing.TestEvidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.AuditEvent;
import dev.veil.audit.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI exactly as users run it: {@code java -jar veil-agent.jar ...} in a child process. */
class CliTest {
    private static final String SECRET = TestEvidence.secret("sk-cli-test-", 24);
    private static final String KEY = TestEvidence.secret("cli-test-vault-key-", 24);
    // Shaped like the secrets the built-in detectors know; they never reach a vault.
    private static final String OPENAI_SHAPED = TestEvidence.secret("sk-", 48);
    private static final String JDBC_PASSWORD = TestEvidence.secret("Pw", 20);
    private static final String PEM_BODY = TestEvidence.secret("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 32);

    @TempDir Path home;
    private Path quickstart;

    @BeforeEach
    void setUp() {
        quickstart = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
    }

    private ChildJvm veil() {
        return ChildJvm.on(Jdks.current()).jvmArgs("-Duser.home=" + home).env("VEIL_VAULT_KEY", KEY);
    }

    private static void assertNoSecret(ChildJvm.Result r) {
        for (String s : List.of(SECRET, KEY, OPENAI_SHAPED, JDBC_PASSWORD, PEM_BODY)) {
            for (String form : AuditLeakScanTest.forms(s)) {
                // Report by length, not value: the test report must not carry the secret either.
                assertFalse(r.out.contains(form) || r.err.contains(form), "a secret (" + s.length() + " chars) was printed, exit " + r.exit);
            }
        }
    }

    @Test
    void versionAndHelp() throws Exception {
        ChildJvm.Result v = veil().cli("--version");
        assertEquals(0, v.exit, v.toString());
        assertTrue(v.out.startsWith("veil 0.1.0"), v.toString());
        ChildJvm.Result h = veil().cli("--help");
        assertEquals(0, h.exit, h.toString());
        for (String cmd : new String[] {"vault", "rules", "audit", "scrub"}) assertTrue(h.out.contains(cmd), h.toString());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        ChildJvm.Result r = veil().cli("no-such-command");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("no-such-command"), r.toString());
        assertEquals(2, veil().cli("vault", "put").exit);
        assertEquals(2, veil().cli().exit);
    }

    @Test
    void vaultLifecycleNeverPrintsTheValue() throws Exception {
        ChildJvm.Result init = veil().cli("vault", "init");
        assertEquals(0, init.exit, init.toString());
        Path vault = home.resolve(".veil/vault");
        assertTrue(Files.exists(vault), init.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(vault)));

        ChildJvm.Result put = veil().stdin(SECRET + "\n").cli("vault", "put", "openai");
        assertEquals(0, put.exit, put.toString());
        assertNoSecret(put);
        assertFalse(new String(Files.readAllBytes(vault), java.nio.charset.StandardCharsets.ISO_8859_1).contains(SECRET), "plaintext on disk");

        ChildJvm.Result list = veil().cli("vault", "list");
        assertEquals(0, list.exit, list.toString());
        assertTrue(list.out.contains("openai"), list.toString());
        assertTrue(list.out.contains("local"), list.toString());
        assertNoSecret(list);

        ChildJvm.Result wrongKey = veil().env("VEIL_VAULT_KEY", "not-the-key-at-all").cli("vault", "list");
        assertEquals(1, wrongKey.exit, wrongKey.toString());
        assertTrue(wrongKey.err.contains(vault.toString()), wrongKey.toString());

        ChildJvm.Result rm = veil().cli("vault", "rm", "openai");
        assertEquals(0, rm.exit, rm.toString());
        assertFalse(veil().cli("vault", "list").out.contains("openai"));
        ChildJvm.Result rmAgain = veil().cli("vault", "rm", "openai");
        assertEquals(1, rmAgain.exit, rmAgain.toString());
        assertTrue(rmAgain.err.contains("no entry 'openai'"), rmAgain.toString());
    }

    @Test
    void putRefusesAnEmptyValueAndAVaultThatDoesNotExist() throws Exception {
        ChildJvm.Result missing = veil().stdin(SECRET).cli("vault", "put", "openai");
        assertEquals(1, missing.exit, missing.toString());
        assertTrue(missing.err.contains("vault init"), missing.toString());
        assertNoSecret(missing);
        assertEquals(0, veil().cli("vault", "init").exit);
        ChildJvm.Result empty = veil().stdin("").cli("vault", "put", "openai");
        assertEquals(1, empty.exit, empty.toString());
        assertTrue(empty.err.contains("no value on stdin"), empty.toString());
    }

    @Test
    void withoutAKeyTheErrorSaysWhichVariableToSet() throws Exception {
        ChildJvm.Result r = ChildJvm.on(Jdks.current()).jvmArgs("-Duser.home=" + home).cli("vault", "init");
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains("VEIL_VAULT_KEY"), r.toString());
    }

    @Test
    void rulesCheckReportsEveryProblemWithItsPosition() throws Exception {
        ChildJvm.Result ok = veil().cli("rules", "check", quickstart.toString());
        assertEquals(0, ok.exit, ok.toString());
        assertTrue(ok.out.contains("ok"), ok.toString());

        Path bad = home.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\ncredentials:\n  openai:\n    source: nowhere/openai\n    ttl: 5 minutes\n    allow:\n      - url: https://api.openai.com/v1/**\n");
        ChildJvm.Result r = veil().cli("rules", "check", bad.toString());
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains(bad + ":4:"), r.toString());
        assertTrue(r.err.contains(bad + ":5:"), r.toString());
        assertTrue(r.err.contains("unknown store 'nowhere'"), r.toString());

        ChildJvm.Result missing = veil().cli("rules", "check", home.resolve("absent.yaml").toString());
        assertEquals(1, missing.exit, missing.toString());
        assertTrue(missing.err.contains("absent.yaml"), missing.toString());
    }

    // ---- rules explain ----

    /** {@code file:line:column} of the n-th (1-based) "- url:" grant in a rules file. */
    private static String grantLocation(Path file, int n) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            int col = lines.get(i).indexOf("- url:");
            if (col >= 0 && --n == 0) return file + ":" + (i + 1) + ":" + (col + 3);
        }
        throw new AssertionError("no such grant in " + file);
    }

    @Test
    void explainNamesTheRuleThatInjectsAndTheReasonForEachDenial() throws Exception {
        ChildJvm.Result allowed = veil().cli("rules", "explain", quickstart.toString(),
                "--agent", "demo-agent", "--url", "http://127.0.0.1:8080/v1/chat", "--method", "POST");
        assertEquals(0, allowed.exit, allowed.toString());
        assertTrue(allowed.out.contains("demo: inject by " + grantLocation(quickstart, 1) + " (in: header"), allowed.toString());

        ChildJvm.Result denied = veil().cli("rules", "explain", quickstart.toString(),
                "--agent", "demo-agent", "--url", "https://evil.example/v1/chat");
        assertEquals(0, denied.exit, denied.toString());
        assertTrue(denied.out.contains("demo: deny by "), denied.toString());
        assertTrue(denied.out.contains("host not allowed by any rule"), denied.toString());

        Path two = ChildJvm.REPO.resolve("rules/examples/openai-anthropic.yaml");
        ChildJvm.Result openai = veil().cli("rules", "explain", two.toString(),
                "--agent", "research-agent", "--url", "https://api.openai.com/v1/chat/completions", "--method", "POST");
        assertEquals(0, openai.exit, openai.toString());
        assertTrue(openai.out.contains("openai: inject by " + grantLocation(two, 1) + " (in: header; rate: 120/min"), openai.toString());
        assertTrue(openai.out.contains("anthropic: deny by "), openai.toString());
        assertTrue(openai.out.contains("host not allowed by any rule"), openai.toString());

        ChildJvm.Result method = veil().cli("rules", "explain", two.toString(),
                "--agent", "research-agent", "--url", "https://api.anthropic.com/v1/messages", "--method", "DELETE");
        assertTrue(method.out.contains("anthropic: deny by " + grantLocation(two, 2) + ": method DELETE not allowed (rule allows GET, POST)"),
                method.toString());

        ChildJvm.Result agent = veil().cli("rules", "explain", two.toString(),
                "--agent", "intruder", "--url", "https://api.openai.com/v1/chat/completions");
        assertTrue(agent.out.contains("openai: deny by credential openai: agents: agent not allowed for this credential"), agent.toString());
    }

    @Test
    void explainRefusesABadUrlAsAUsageError() throws Exception {
        for (String url : new String[] {"not a url", "/v1/relative", "https//missing-colon"}) {
            ChildJvm.Result r = veil().cli("rules", "explain", quickstart.toString(), "--agent", "a", "--url", url);
            assertEquals(2, r.exit, r.toString());
            assertTrue(r.err.contains("bad --url"), r.toString());
        }
    }

    // ---- audit verify / query ----

    /** A real audit log of five records, written with the runtime's AuditLog as the agent writes it. */
    private static Path auditLog() throws Exception {
        Path file = TestEvidence.auditFile("cli");
        try (AuditLog log = AuditLog.open(file)) {
            log.append(AuditEvent.builder().event("inject").agent("research-agent").credential("openai")
                    .destination("https://api.openai.com/v1/chat").method("POST").rule("rules.yaml:9:9").reason("allowed").build());
            log.append(AuditEvent.builder().event("deny").agent("research-agent").credential("openai")
                    .destination("https://evil.example/x").method("POST").rule("credential openai: allow")
                    .reason("host not allowed by any rule").build());
            log.append(AuditEvent.builder().event("inject").agent("batch-agent").credential("github")
                    .destination("https://api.github.com/repos").method("GET").rule("rules.yaml:20:9").reason("allowed").build());
            log.append(AuditEvent.builder().event("store-error").agent("batch-agent").credential("orders-db")
                    .destination("jdbc:postgresql://localhost:5432/orders").rule("local/orders-db").reason("store 'local': no entry").build());
            log.append(AuditEvent.builder().event("inject").agent("research-agent").credential("anthropic")
                    .destination("https://api.anthropic.com/v1/messages").method("POST").rule("rules.yaml:14:9").reason("allowed").build());
        }
        return file;
    }

    /** A copy of {@code log} (and its checkpoint) in the temp dir, changed by {@code edit}. */
    private Path tampered(Path log, java.util.function.UnaryOperator<List<String>> edit) throws Exception {
        Path copy = home.resolve("tampered-" + System.nanoTime() + ".jsonl");
        Files.write(copy, edit.apply(new java.util.ArrayList<>(Files.readAllLines(log))));
        Files.copy(log.resolveSibling(log.getFileName() + ".checkpoint"), copy.resolveSibling(copy.getFileName() + ".checkpoint"));
        return copy;
    }

    @Test
    void auditVerifyAcceptsAGoodLogAndNamesTheFirstBadLine() throws Exception {
        Path log = auditLog();
        ChildJvm.Result ok = veil().cli("audit", "verify", log.toString());
        assertEquals(0, ok.exit, ok.toString());
        assertEquals(log + ": ok, 5 records\n", ok.out, ok.toString());

        Path edited = tampered(log, lines -> {
            lines.set(2, lines.get(2).replace("https://api.github.com/repos", "https://api.github.com/other"));
            return lines;
        });
        ChildJvm.Result e = veil().cli("audit", "verify", edited.toString());
        assertEquals(1, e.exit, e.toString());
        assertTrue(e.err.contains(edited + ":3: edited record"), e.toString());

        Path deleted = tampered(log, lines -> {
            lines.remove(1);
            return lines;
        });
        ChildJvm.Result d = veil().cli("audit", "verify", deleted.toString());
        assertEquals(1, d.exit, d.toString());
        assertTrue(d.err.contains(deleted + ":2: "), d.toString());

        Path truncated = tampered(log, lines -> lines.subList(0, 3));
        ChildJvm.Result t = veil().cli("audit", "verify", truncated.toString());
        assertEquals(1, t.exit, t.toString());
        assertTrue(t.err.contains(truncated + ":4: truncated log"), t.toString());

        Path cut = home.resolve("cut.jsonl");
        byte[] bytes = Files.readAllBytes(log);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        Files.copy(log.resolveSibling(log.getFileName() + ".checkpoint"), home.resolve("cut.jsonl.checkpoint"));
        ChildJvm.Result c = veil().cli("audit", "verify", cut.toString());
        assertEquals(1, c.exit, c.toString());
        assertTrue(c.err.contains(cut + ":5: "), c.toString());
    }

    @Test
    void auditQueryFiltersByAgentCredentialEventAndTime() throws Exception {
        Path log = auditLog();
        ChildJvm.Result agent = veil().cli("audit", "query", log.toString(), "--agent", "research-agent");
        assertEquals(0, agent.exit, agent.toString());
        assertEquals(3, agent.out.lines().count(), agent.toString());
        assertTrue(agent.out.lines().allMatch(l -> l.contains("\"agent\":\"research-agent\"")), agent.toString());

        ChildJvm.Result both = veil().cli("audit", "query", log.toString(), "--agent", "research-agent", "--credential", "openai");
        assertEquals(2, both.out.lines().count(), both.toString());

        ChildJvm.Result deny = veil().cli("audit", "query", log.toString(), "--event", "deny");
        assertEquals(1, deny.out.lines().count(), deny.toString());
        assertTrue(deny.out.contains("https://evil.example/x"), deny.toString());

        assertEquals(5, veil().cli("audit", "query", log.toString(), "--since", "1h").out.lines().count());
        assertEquals(0, veil().cli("audit", "query", log.toString(), "--since", "2999-01-01").out.lines().count());

        ChildJvm.Result bad = veil().cli("audit", "query", log.toString(), "--since", "yesterday-ish");
        assertEquals(2, bad.exit, bad.toString());
        assertTrue(bad.err.contains("bad since"), bad.toString());
    }

    // ---- scrub ----

    private static String pemBlock() {
        StringBuilder b = new StringBuilder("-----BEGIN PRIVATE KEY-----\n");
        for (int i = 0; i < 6; i++) b.append(PEM_BODY, 0, Math.min(PEM_BODY.length(), 40 + i)).append(i).append('\n');
        b.append(PEM_BODY).append('\n');
        return b.append("-----END PRIVATE KEY-----\n").toString();
    }

    @Test
    void scrubRedactsWhatTheBuiltInDetectorsKnow() throws Exception {
        String in = "calling OpenAI with " + OPENAI_SHAPED + "\n"
                + "server key:\n" + pemBlock()
                + "db=jdbc:postgresql://db.internal:5432/orders?user=app&password=" + JDBC_PASSWORD + "&ssl=true\n"
                + "unicode stays: déjà vu ✓\n";
        ChildJvm.Result r = veil().stdin(in).cli("scrub");
        assertEquals(0, r.exit, r.toString());
        assertEquals("calling OpenAI with [REDACTED:openai-api-key]\n"
                + "server key:\n[REDACTED:private-key]\n"
                + "db=jdbc:postgresql://db.internal:5432/orders?user=app&password=[REDACTED:jdbc-password]&ssl=true\n"
                + "unicode stays: déjà vu ✓\n", r.out);
        assertEquals("", r.err);
        assertNoSecret(r);

        ChildJvm.Result off = veil().stdin(in).cli("scrub", "--no-detectors");
        assertEquals(0, off.exit, off.toString());
        assertEquals(in, off.out, "with --no-detectors the text passes unchanged");
    }

    private Path vaultRules(String extraCredential) throws Exception {
        Path rules = home.resolve("scrub-rules.yaml");
        Files.writeString(rules, "version: 1\n"
                + "credentials:\n"
                + "  openai:\n"
                + "    source: local/openai\n"
                + "    allow:\n"
                + "      - url: https://api.openai.com/v1/**\n"
                + extraCredential
                + "scrub:\n"
                + "  detectors: none\n"
                + "  patterns: [{name: internal-token, regex: 'itk_[A-Za-z0-9]{12}'}]\n");
        return rules;
    }

    @Test
    void scrubWithRulesReplacesTheVaultValueByItsPlaceholder() throws Exception {
        assertEquals(0, veil().cli("vault", "init").exit);
        assertEquals(0, veil().stdin(SECRET + "\n").cli("vault", "put", "openai").exit);
        Path rules = vaultRules("");
        String b64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        String in = "raw " + SECRET + "\nbase64 " + b64 + "\ntoken itk_abcdefABCDEF\nkey " + OPENAI_SHAPED + "\n";
        ChildJvm.Result r = veil().stdin(in).cli("scrub", "--rules", rules.toString());
        assertEquals(0, r.exit, r.toString());
        // detectors: none in the rules: the built-ins are off, the rules' own pattern runs.
        assertEquals("raw veil:openai\nbase64 veil:openai\ntoken [REDACTED:internal-token]\nkey " + OPENAI_SHAPED + "\n", r.out);
        assertEquals("", r.err);
        assertFalse(r.out.contains(SECRET) || r.out.contains(b64), "vault value printed");
    }

    @Test
    void scrubWarnsAboutACredentialItCannotLoadAndStillScrubsTheRest() throws Exception {
        assertEquals(0, veil().cli("vault", "init").exit);
        assertEquals(0, veil().stdin(SECRET).cli("vault", "put", "openai").exit);
        Path rules = vaultRules("  github:\n    source: local/github\n    allow:\n      - url: https://api.github.com/**\n");
        ChildJvm.Result r = veil().stdin("a " + SECRET + " b\n").cli("scrub", "--rules", rules.toString());
        assertEquals(1, r.exit, r.toString());
        assertEquals("a veil:openai b\n", r.out);
        List<String> warnings = r.err.lines().collect(java.util.stream.Collectors.toList());
        assertEquals(1, warnings.size(), r.toString());
        assertTrue(warnings.get(0).startsWith("veil: credential 'github' not loaded from store 'local' ("), r.toString());
        assertNoSecret(r);

        // Without the vault key no credential loads: one line each, and the detectors still run.
        ChildJvm.Result noKey = ChildJvm.on(Jdks.current()).jvmArgs("-Duser.home=" + home)
                .stdin("x " + SECRET + " itk_abcdefABCDEF\n").cli("scrub", "--rules", rules.toString());
        assertEquals(1, noKey.exit, noKey.toString());
        assertEquals("x " + SECRET + " [REDACTED:internal-token]\n", noKey.out);
        assertEquals(2, noKey.err.lines().count(), noKey.toString());
        assertTrue(noKey.err.contains("VEIL_VAULT_KEY"), noKey.toString());
    }

    @Test
    void scrubStreamsALargeInput() throws Exception {
        StringBuilder in = new StringBuilder();
        while (in.length() < 3_000_000) in.append("line ").append(in.length()).append(" key=").append(OPENAI_SHAPED).append('\n');
        ChildJvm.Result r = veil().jvmArgs("-Xmx64m").stdin(in.toString()).cli("scrub");
        assertEquals(0, r.exit, "exit " + r.exit + ": " + r.err);
        assertEquals(in.toString().replace(OPENAI_SHAPED, "[REDACTED:openai-api-key]"), r.out);
    }
}
