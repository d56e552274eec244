package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesLoaderTest {
    private static final String HOME = System.getProperty("user.home");
    private static final String SECRET = RulesCorpus.ENV.get("VEIL_SECRET");

    private static Rules parse(String origin, String text) throws RulesException {
        return RulesLoader.parse(origin, text, RulesCorpus.ENV);
    }

    private static List<String> problems(String origin, String text) {
        RulesException e = assertThrows(RulesException.class, () -> parse(origin, text));
        return e.problems().stream().map(Problem::toString).collect(Collectors.toList());
    }

    private static Rules corpus(String name) throws Exception {
        Path file = RulesCorpus.ROOT.resolve("good").resolve(name);
        return parse(name, Files.readString(file));
    }

    @Test
    void minimalFileGetsEveryDefault() throws Exception {
        Rules rules = parse("min.yaml", "version: 1\n");
        assertEquals("min.yaml", rules.origin());
        assertTrue(rules.credentials().isEmpty());
        StoreSpec local = rules.stores().get("local");
        assertEquals("file", local.type());
        assertEquals(Paths.get(HOME, ".veil/vault").toString(), local.option("path", String.class));
        assertEquals("env:VEIL_VAULT_KEY", local.option("key", String.class));
        assertTrue(rules.scrub().builtinDetectors());
        assertTrue(rules.scrub().patterns().isEmpty());
        assertTrue(rules.blockRealSecrets());
        assertEquals(Paths.get(HOME, ".veil/audit.jsonl"), rules.auditPath());
        assertEquals(Duration.ofSeconds(1), rules.auditSync());
        assertEquals(Rules.StoreErrorMode.FAIL_CLOSED, rules.onStoreError());
        assertEquals(Duration.ofMinutes(15), rules.maxStale());
        assertEquals(Duration.ofMinutes(1), rules.rotationWindow());
    }

    @Test
    void scrubOnlyHasNoCredentialsAndTheDefaults() throws Exception {
        Rules builtin = RulesLoader.scrubOnly();
        Rules minimal = parse("min.yaml", "version: 1\n");
        assertEquals("builtin", builtin.origin());
        assertTrue(builtin.credentials().isEmpty());
        assertEquals(minimal.stores().keySet(), builtin.stores().keySet());
        assertEquals(minimal.stores().get("local").options(), builtin.stores().get("local").options());
        assertTrue(builtin.scrub().builtinDetectors());
        assertTrue(builtin.blockRealSecrets());
        assertEquals(minimal.auditPath(), builtin.auditPath());
        assertEquals(Rules.StoreErrorMode.FAIL_CLOSED, builtin.onStoreError());
        assertEquals(Duration.ofMinutes(15), builtin.maxStale());
    }

    @Test
    void credentialDefaults() throws Exception {
        Rules rules = parse("r.yaml", "version: 1\ncredentials:\n  gh:\n    source: local/github\n    allow:\n      - url: https://api.github.com\n");
        Credential gh = rules.credentials().get("gh");
        assertEquals("veil:gh", gh.placeholder());
        assertEquals("local", gh.store());
        assertEquals("github", gh.ref());
        assertEquals(Duration.ofMinutes(5), gh.ttl());
        assertTrue(gh.agents().isEmpty());
        assertTrue(gh.allowsAgent("any-agent"));
        assertNull(gh.rate());
        assertEquals(Credential.Approval.NONE, gh.approval());
        HttpGrant grant = (HttpGrant) gh.allow().get(0);
        assertTrue(grant.methods().isEmpty());
        assertTrue(grant.allowsMethod("DELETE"));
        assertEquals(Set.of(HttpGrant.Part.HEADER), grant.in());
        assertEquals("r.yaml:6:9", grant.location());
        assertTrue(grant.url().matches(URI.create("https://api.github.com/repos/x")));
    }

    @Test
    void fullFileSetsEveryValue() throws Exception {
        Rules rules = corpus("full.yaml");
        assertEquals(List.of("local", "team", "dev"), List.copyOf(rules.stores().keySet()));
        StoreSpec local = rules.stores().get("local");
        assertEquals(Paths.get(HOME, "vaults/veil").toString(), local.option("path", String.class));
        assertEquals("file:" + Paths.get(HOME, ".veil/key"), local.option("key", String.class));
        StoreSpec team = rules.stores().get("team");
        assertEquals(List.of("pass", "show", "{ref}"), team.option("command", List.class));
        assertEquals(Duration.ofSeconds(2), team.option("timeout", Duration.class));
        assertEquals("DEV_", rules.stores().get("dev").option("prefix", String.class));

        Credential openai = rules.credentials().get("openai");
        assertEquals("veil:openai-prod", openai.placeholder());
        assertEquals("team", openai.store());
        assertEquals(Duration.ofMinutes(90), openai.ttl());
        assertEquals(Set.of("research-agent", "writer"), openai.agents());
        assertFalse(openai.allowsAgent("other"));
        assertEquals(120, openai.rate().permits());
        assertEquals(Duration.ofMinutes(1), openai.rate().period());
        assertEquals(Credential.Approval.ONCE, openai.approval());
        HttpGrant api = (HttpGrant) openai.allow().get(0);
        assertEquals(Set.of("GET", "POST"), api.methods());
        assertTrue(api.allowsMethod("post"));
        assertFalse(api.allowsMethod("DELETE"));
        assertEquals(Set.of(HttpGrant.Part.HEADER, HttpGrant.Part.BODY), api.in());
        assertEquals("full.yaml:17:9", api.location());
        HttpGrant realtime = (HttpGrant) openai.allow().get(1);
        assertTrue(realtime.url().matches(URI.create("wss://eu.openai.com/realtime/session")));
        assertFalse(realtime.url().matches(URI.create("wss://openai.com/realtime/session")));

        Credential db = rules.credentials().get("orders.db_2");
        JdbcGrant replicas = (JdbcGrant) db.allow().get(0);
        assertEquals("agent_ro", replicas.user());
        assertTrue(replicas.readOnly());
        assertEquals("600/min", replicas.statementRate().toString());
        assertTrue(replicas.jdbc().matches("jdbc:postgresql://db1,db2:5433/orders"));
        JdbcGrant h2 = (JdbcGrant) db.allow().get(1);
        assertNull(h2.user());
        assertFalse(h2.readOnly());
        assertNull(h2.statementRate());
        assertEquals(Credential.Approval.ALWAYS, db.approval());

        assertFalse(rules.scrub().builtinDetectors());
        assertEquals(List.of("internal-token", "ticket"),
                rules.scrub().patterns().stream().map(ScrubSettings.NamedPattern::name).collect(Collectors.toList()));
        assertTrue(rules.scrub().patterns().get(1).regex().matcher("see TKT-123456").find());
        assertFalse(rules.blockRealSecrets());
        assertEquals(Paths.get("/var/log/veil/audit.jsonl"), rules.auditPath());
        assertEquals(Duration.ofMillis(250), rules.auditSync());
        assertEquals(Rules.StoreErrorMode.SERVE_STALE, rules.onStoreError());
        assertEquals(Duration.ofHours(1), rules.maxStale());
        assertEquals(Duration.ofMinutes(2), rules.rotationWindow());
    }

    @Test
    void jsonFileMatchesItsYamlEquivalent() throws Exception {
        Rules rules = corpus("full.json");
        Credential anthropic = rules.credentials().get("anthropic");
        assertEquals("team", anthropic.store());
        assertEquals(50, anthropic.rate().permits());
        assertEquals("full.json:7:17", anthropic.allow().get(0).location());
    }

    @Test
    void environmentExpandsInValuesAndDoubleDollarEscapes() throws Exception {
        Rules rules = corpus("env-expansion.yaml");
        Credential api = rules.credentials().get("api");
        assertEquals("team", api.store());
        assertTrue(((HttpGrant) api.allow().get(0)).url().matches(URI.create("https://api.example.com/v2/x")));
        assertEquals(List.of("fetch", "--quiet", "${ref}"), rules.stores().get("team").option("command", List.class));
        assertEquals(Paths.get("/tmp/veil-audit/audit.jsonl"), rules.auditPath());
    }

    @Test
    void auditSyncAlwaysForcesEachRecord() throws Exception {
        assertEquals(Duration.ZERO, parse("a.yaml", "version: 1\naudit: {sync: always}\n").auditSync());
        assertEquals(Duration.ofSeconds(5), parse("a.yaml", "version: 1\naudit: {sync: 5s}\n").auditSync());
    }

    @Test
    void keysAreNotExpanded() {
        assertEquals(List.of("k.yaml:2:1: unknown key '${TOP}' (expected one of: version, stores, credentials, scrub, egress, audit, on-store-error, max-stale, rotation-window)"),
                problems("k.yaml", "version: 1\n${TOP}: x\n"));
    }

    @Test
    void expandedValuesNeverAppearInMessages() {
        String text = "version: 1\n"
                + "credentials:\n"
                + "  a:\n"
                + "    placeholder: ${VEIL_SECRET}\n"
                + "    source: local/a\n"
                + "    ttl: ${VEIL_SECRET}\n"
                + "    rate: 5/${VEIL_SECRET}\n"
                + "    allow:\n"
                + "      - url: https://${VEIL_SECRET}@example.com/\n"
                + "      - jdbc: ${VEIL_SECRET}\n"
                + "  b:\n"
                + "    placeholder: ${VEIL_SECRET}\n"
                + "    source: ${VEIL_SECRET}/x\n"
                + "    allow: [{url: 'https://example.com', methods: ['${VEIL_SECRET} x']}]\n"
                + "stores:\n"
                + "  s: {type: file, key: '${VEIL_SECRET}'}\n";
        List<String> problems = problems("s.yaml", text);
        assertEquals(8, problems.size(), String.join("\n", problems));
        for (String p : problems) {
            assertFalse(p.contains(SECRET), p);
            assertFalse(p.contains("sk-live"), p);
        }
        assertTrue(problems.contains("s.yaml:6:10: bad duration '${VEIL_SECRET}': expected a number and a unit such as 250ms, 5s, 5m, 1h or 1h30m"), problems.toString());
        assertTrue(problems.contains("s.yaml:12:18: placeholder '${VEIL_SECRET}' is already used by credential 'a'"), problems.toString());
        assertTrue(problems.contains("s.yaml:13:13: unknown store '${VEIL_SECRET}/x' (stores: local, s)"), problems.toString());
    }

    @Test
    void literalVaultKeyIsNeverQuoted() {
        String key = "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        List<String> problems = problems("k.yaml", "version: 1\nstores:\n  local: {type: file, key: '" + key + "'}\n");
        assertEquals(1, problems.size());
        assertFalse(problems.get(0).contains(key));
        assertTrue(problems.get(0).startsWith("k.yaml:3:28: 'key' must be env:NAME or file:PATH"), problems.get(0));
    }

    @Test
    void problemsComeInFileOrderWhateverOrderTheyAreChecked() {
        // on-store-error is checked last but written first; credentials are checked before scrub but written after.
        String text = "on-store-error: nope\nscrub: {detectors: maybe}\nversion: 3\ncredentials:\n  a: {source: nowhere/a}\n";
        assertEquals(List.of(
                "o.yaml:1:17: 'on-store-error' must be one of fail-closed, serve-stale, found 'nope'",
                "o.yaml:2:20: 'detectors' must be one of builtin, none, found 'maybe'",
                "o.yaml:3:10: unsupported version 3: this Veil reads version 1",
                "o.yaml:5:3: credential 'a' has no allow entries: it could never be used",
                "o.yaml:5:15: unknown store 'nowhere' (stores: local)"), problems("o.yaml", text));
    }

    @Test
    void defaultPlaceholderCollidesWithAnExplicitOne() {
        String text = "version: 1\ncredentials:\n"
                + "  first: {placeholder: veil:second, source: local/a, allow: [{url: 'https://a.example'}]}\n"
                + "  second: {source: local/b, allow: [{url: 'https://b.example'}]}\n";
        assertEquals(List.of("d.yaml:4:3: placeholder 'veil:second' is already used by credential 'first'"), problems("d.yaml", text));
    }

    @Test
    void jsonIsChosenByExtensionOrByAnOpeningBrace() throws Exception {
        assertEquals("veil:x1", parse("rules.txt", "  {\"version\": 1, \"credentials\": {\"x1\": {\"source\": \"local/x\", \"allow\": [{\"url\": \"https://x.example\"}]}}}")
                .credentials().get("x1").placeholder());
        List<String> problems = problems("rules.json", "version: 1\n");
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("rules.json:1:8: JSON syntax error: Unrecognized token 'version'"), problems.get(0));
    }

    @Test
    void loadReadsAFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("rules.json");
        Files.writeString(good, "{\"version\": 1}");
        assertEquals(good.toString(), RulesLoader.load(good).origin());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\nscrub: []\n");
        RulesException e = assertThrows(RulesException.class, () -> RulesLoader.load(bad));
        assertEquals(bad + ":2:8: 'scrub' must be a map, found a list", e.getMessage());

        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "version: 1\naudit: {path: /tmp/caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(RulesException.class, () -> RulesLoader.load(latin1));
        assertEquals(latin1 + ":1:1: the rules file is not valid UTF-8", e.getMessage());
    }

    @Test
    void byteOrderMarkIsIgnored() throws Exception {
        assertEquals(Duration.ofMinutes(2), parse("bom.yaml", "\uFEFFversion: 1\nmax-stale: 2m\n").maxStale());
    }

    @Test
    void storesAreCheckedAgainstTheirProvider() {
        assertEquals(List.of(
                "p.yaml:3:28: 'command' is empty",
                "p.yaml:4:26: 'prefix' must be a string, found a list",
                "p.yaml:5:25: 'path' must be a string, found an integer"),
                problems("p.yaml", "version: 1\nstores:\n  a: {type: exec, command: []}\n  b: {type: env, prefix: [X]}\n  c: {type: file, path: 7}\n"));
    }

    @Test
    void keyReferencesAcceptEnvAndFileOnly() throws Exception {
        Rules rules = parse("k.yaml", "version: 1\nstores:\n  a: {type: file, key: 'env:A_KEY'}\n  b: {type: file, key: 'file:/etc/veil/key'}\n");
        assertEquals("env:A_KEY", rules.stores().get("a").option("key", String.class));
        assertEquals("file:/etc/veil/key", rules.stores().get("b").option("key", String.class));
        for (String bad : List.of("env:", "env:1X", "env:A-B", "file:", "ENV:A", "plain")) {
            List<String> problems = problems("k.yaml", "version: 1\nstores:\n  a: {type: file, key: '" + bad + "'}\n");
            assertEquals(1, problems.size(), bad);
            assertTrue(problems.get(0).startsWith("k.yaml:3:24: 'key' must be env:NAME or file:PATH"), problems.get(0));
        }
    }

    @Test
    void yamlBooleanLookalikesGetAQuotingHint() {
        assertEquals(List.of("b.yaml:3:33: 'agents' entry must be a string, found a boolean (YAML reads no as false; quote it)"),
                problems("b.yaml", "version: 1\ncredentials:\n  a: {source: local/a, agents: [no], allow: [{url: 'https://a.example'}]}\n"));
    }

    @Test
    void methodsAreHttpTokensUpperCased() throws Exception {
        Rules rules = parse("m.yaml", "version: 1\ncredentials:\n  a: {source: local/a, allow: [{url: 'https://a.example', methods: [get, PROPFIND, M-SEARCH]}]}\n");
        assertEquals(Set.of("GET", "PROPFIND", "M-SEARCH"), ((HttpGrant) rules.credentials().get("a").allow().get(0)).methods());
        for (String bad : List.of("GE T", "GET\\n", "(GET)", "")) {
            List<String> problems = problems("m.yaml", "version: 1\ncredentials:\n  a: {source: local/a, allow: [{url: 'https://a.example', methods: [\"" + bad + "\"]}]}\n");
            assertEquals(1, problems.size(), bad);
            assertTrue(problems.get(0).contains("bad method"), problems.get(0));
        }
    }

    @Test
    void regexesThatMatchNothingInParticularAreRejected() {
        for (String regex : List.of("", "a*", "x?", "(?=a)", "\\b", "|abc")) {
            List<String> problems = problems("r.yaml", "version: 1\nscrub:\n  patterns: [{name: p, regex: '" + regex + "'}]\n");
            assertEquals(List.of("r.yaml:3:31: regex can match the empty string: it would redact everywhere"), problems, regex);
        }
    }

    @Test
    void placeholderLengthCountsCharactersNotBytes() throws Exception {
        assertEquals("v\u00e9\u00e9\u00e9\u00e9l", parse("p.yaml", "version: 1\ncredentials:\n  a: {placeholder: 'v\u00e9\u00e9\u00e9\u00e9l', source: local/a, allow: [{url: 'https://a.example'}]}\n")
                .credentials().get("a").placeholder());
        List<String> problems = problems("p.yaml", "version: 1\ncredentials:\n  a: {placeholder: 'veil:\u00a0', source: local/a, allow: [{url: 'https://a.example'}]}\n");
        assertEquals(List.of("p.yaml:3:20: placeholder 'veil:\u00a0' must not contain whitespace or control characters"), problems);
    }

    @Test
    void suggestionsAllowOneOrTwoEdits() {
        List<String> keys = List.of("version", "credentials", "methods", "in", "url");
        assertEquals("; did you mean 'methods'?", RulesLoader.suggestion("mehtods", keys));
        assertEquals("; did you mean 'version'?", RulesLoader.suggestion("Version", keys));
        assertEquals("; did you mean 'credentials'?", RulesLoader.suggestion("credential", keys));
        assertEquals("; did you mean 'url'?", RulesLoader.suggestion("uri", keys));
        assertEquals("", RulesLoader.suggestion("uxy", keys));
        assertEquals("", RulesLoader.suggestion("logging", keys));
        assertEquals(1, RulesLoader.distance("ab", "ba"));
        assertEquals(3, RulesLoader.distance("", "abc"));
    }

    @Test
    void deepNestingIsAProblemNotACrash() {
        String text = "version: 1\nscrub: " + "[".repeat(2000) + "]".repeat(2000) + "\n";
        List<String> problems = problems("deep.yaml", text);
        assertFalse(problems.isEmpty());
        assertTrue(problems.get(0).startsWith("deep.yaml:"), problems.get(0));
    }
}
