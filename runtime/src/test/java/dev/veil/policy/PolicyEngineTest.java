package dev.veil.policy;

import static dev.veil.rules.HttpGrant.Part.BODY;
import static dev.veil.rules.HttpGrant.Part.HEADER;
import static dev.veil.rules.HttpGrant.Part.QUERY;
import static dev.veil.rules.HttpGrant.Part.USERINFO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.policy.Decision.Reason;
import dev.veil.rules.Credential;
import dev.veil.rules.Grant;
import dev.veil.rules.HttpGrant;
import dev.veil.rules.JdbcGrant;
import dev.veil.rules.JdbcPattern;
import dev.veil.rules.Rate;
import dev.veil.rules.Rules;
import dev.veil.rules.ScrubSettings;
import dev.veil.rules.UrlPattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    static HttpGrant http(String url, Set<String> methods, Set<HttpGrant.Part> in, String location) {
        return new HttpGrant(UrlPattern.parse(url), methods, in, location);
    }

    static Credential credential(String name, Set<String> agents, Rate rate, Credential.Approval approval, Grant... allow) {
        return new Credential(name, "veil:" + name, "local", name, Duration.ofMinutes(5), agents, List.of(allow), rate, approval);
    }

    static Rules rules(Credential... credentials) {
        Map<String, Credential> map = new LinkedHashMap<>();
        for (Credential c : credentials) map.put(c.name(), c);
        return new Rules("rules.yaml", Map.of(), map, new ScrubSettings(true, List.of()), true,
                Path.of("audit.jsonl"), Duration.ZERO, Rules.StoreErrorMode.FAIL_CLOSED, Duration.ZERO, Duration.ZERO);
    }

    final MutableClock clock = new MutableClock();

    final Credential openai = credential("openai", Set.of("research-agent"), null, Credential.Approval.NONE,
            http("https://api.openai.com/v1/**", Set.of("GET", "POST"), Set.of(HEADER), "rules.yaml:9:9"));
    final Credential github = credential("github", Set.of(), null, Credential.Approval.NONE,
            http("https://api.github.com/repos/*/issues", Set.of("GET"), Set.of(HEADER, QUERY), "rules.yaml:15:9"),
            http("https://api.github.com/repos/**", Set.of(), Set.of(), "rules.yaml:17:9"),
            http("https://*.githubusercontent.com:8443/**", Set.of("GET"), Set.of(USERINFO), "rules.yaml:19:9"));
    final Credential db = credential("orders-db", Set.of(), null, Credential.Approval.NONE,
            new JdbcGrant(JdbcPattern.parse("jdbc:postgresql://localhost:*/orders"), "agent_ro", true, null, "rules.yaml:25:9"),
            new JdbcGrant(JdbcPattern.parse("jdbc:postgresql://localhost:*/orders"), "agent_rw", false, null, "rules.yaml:28:9"));

    PolicyEngine engine(Credential... cs) { return new PolicyEngine(rules(cs), clock, Approvals.NONE); }

    static URI uri(String s) { return URI.create(s); }

    @Test void injectsWhenEverythingMatches() {
        Decision d = engine(openai).decideHttp("research-agent", "post", uri("https://api.openai.com/v1/chat/completions"), HEADER, "veil:openai");
        assertTrue(d.allowed(), d::message);
        assertEquals(Reason.ALLOWED, d.reason());
        assertEquals("openai", d.credentialName());
        assertEquals("rules.yaml:9:9", d.rule());
        assertEquals(openai.allow().get(0), d.grant());
        assertEquals("POST", d.method());
        assertEquals("https://api.openai.com/v1/chat/completions", d.destination());
        assertFalse(d.readOnly());
    }

    @Test void deniedHostMessageFollowsTheDesignFormat() {
        Decision d = engine(openai).decideHttp("research-agent", "POST", uri("https://evil.example/x?key=veil:openai"), HEADER, "veil:openai");
        assertFalse(d.allowed());
        assertEquals(Reason.HOST_NOT_ALLOWED, d.reason());
        assertEquals("veil: denied credential 'openai' for POST https://evil.example/x (agent research-agent): host not allowed by any rule", d.message());
        assertEquals("credential openai: allow", d.rule());
        assertNull(d.grant());
    }

    @Test void destinationLeavesOutUserInfoQueryAndFragment() {
        Decision d = engine(openai).decideHttp("research-agent", "GET", uri("https://user:pw@evil.example:444/a/b?token=abc#frag"), HEADER, "veil:openai");
        assertEquals("https://evil.example:444/a/b", d.destination());
        assertFalse(d.message().contains("pw"));
        assertFalse(d.message().contains("abc"));
    }

    @Test void unknownPlaceholder() {
        Decision d = engine(openai).decideHttp("research-agent", "GET", uri("https://api.openai.com/v1/models"), HEADER, "veil:nope");
        assertEquals(Reason.UNKNOWN_PLACEHOLDER, d.reason());
        assertNull(d.credential());
        assertNull(d.credentialName());
        assertNull(d.rule());
        assertEquals("veil: denied unknown placeholder 'veil:nope' for GET https://api.openai.com/v1/models (agent research-agent): unknown placeholder", d.message());
    }

    @Test void agentNotAllowed() {
        Decision d = engine(openai).decideHttp("other-agent", "GET", uri("https://api.openai.com/v1/models"), HEADER, "veil:openai");
        assertEquals(Reason.AGENT_NOT_ALLOWED, d.reason());
        assertEquals("credential openai: agents", d.rule());
        assertTrue(d.message().endsWith("(agent other-agent): agent not allowed for this credential"), d.message());
        Decision unnamed = engine(openai).decideHttp(null, "GET", uri("https://api.openai.com/v1/models"), HEADER, "veil:openai");
        assertEquals(Reason.AGENT_NOT_ALLOWED, unnamed.reason());
        assertTrue(unnamed.message().contains("(agent <unnamed>)"));
        // An empty agent list means every agent, named or not.
        assertTrue(engine(github).decideHttp(null, "GET", uri("https://api.github.com/repos/a/issues"), HEADER, "veil:github").allowed());
    }

    @Test void urlNotAllowedWhenHostMatchesButPathDoesNot() {
        Decision d = engine(openai).decideHttp("research-agent", "GET", uri("https://api.openai.com/v2/models"), HEADER, "veil:openai");
        assertEquals(Reason.URL_NOT_ALLOWED, d.reason());
        assertEquals("rules.yaml:9:9", d.rule());
        assertEquals("url not allowed by any rule", d.reasonText());
    }

    @Test void dotSegmentsCannotEscapeThePath() {
        Decision d = engine(openai).decideHttp("research-agent", "GET", uri("https://api.openai.com/v1/../admin"), HEADER, "veil:openai");
        assertEquals(Reason.URL_NOT_ALLOWED, d.reason());
    }

    @Test void portAndSchemeNotAllowed() {
        PolicyEngine e = engine(openai, github);
        Decision port = e.decideHttp("research-agent", "GET", uri("https://api.openai.com:8443/v1/models"), HEADER, "veil:openai");
        assertEquals(Reason.PORT_NOT_ALLOWED, port.reason());
        assertEquals("port 8443 not allowed by any rule", port.reasonText());
        Decision scheme = e.decideHttp("research-agent", "GET", uri("http://api.openai.com/v1/models"), HEADER, "veil:openai");
        assertEquals("scheme http not allowed by any rule", scheme.reasonText());
        Decision defaultPort = e.decideHttp("a", "GET", uri("https://raw.githubusercontent.com/x"), USERINFO, "veil:github");
        assertEquals("default port not allowed by any rule", defaultPort.reasonText());
        assertEquals("rules.yaml:19:9", defaultPort.rule());
        assertTrue(e.decideHttp("a", "GET", uri("https://raw.githubusercontent.com:8443/x"), USERINFO, "veil:github").allowed());
    }

    @Test void hostWildcardMatchesSubdomainsOnly() {
        PolicyEngine e = engine(github);
        assertTrue(e.decideHttp("a", "GET", uri("https://a.b.githubusercontent.com:8443/x"), USERINFO, "veil:github").allowed());
        assertEquals(Reason.HOST_NOT_ALLOWED, e.decideHttp("a", "GET", uri("https://githubusercontent.com:8443/x"), USERINFO, "veil:github").reason());
        assertEquals(Reason.HOST_NOT_ALLOWED, e.decideHttp("a", "GET", uri("https://evilgithubusercontent.com:8443/x"), USERINFO, "veil:github").reason());
    }

    @Test void methodNotAllowed() {
        Decision d = engine(openai).decideHttp("research-agent", "DELETE", uri("https://api.openai.com/v1/files/1"), HEADER, "veil:openai");
        assertEquals(Reason.METHOD_NOT_ALLOWED, d.reason());
        assertEquals("method DELETE not allowed (rule allows GET, POST)", d.reasonText());
    }

    @Test void partNotAllowed() {
        PolicyEngine e = engine(openai);
        for (HttpGrant.Part p : List.of(QUERY, USERINFO, BODY)) {
            Decision d = e.decideHttp("research-agent", "GET", uri("https://api.openai.com/v1/models"), p, "veil:openai");
            assertEquals(Reason.PART_NOT_ALLOWED, d.reason());
            assertEquals("placeholder in " + p.keyword() + " not allowed (rule allows header)", d.reasonText());
        }
    }

    @Test void bestExplanationAmongSeveralGrants() {
        PolicyEngine e = engine(github);
        // First grant: url and method match, the part does not; second grant allows any method but header only.
        Decision query = e.decideHttp("a", "GET", uri("https://api.github.com/repos/x/issues"), QUERY, "veil:github");
        assertTrue(query.allowed());
        assertEquals("rules.yaml:15:9", query.rule());
        // POST to issues: grant 1 fails on method, grant 2 (any method, header) matches fully.
        Decision post = e.decideHttp("a", "POST", uri("https://api.github.com/repos/x/issues"), HEADER, "veil:github");
        assertTrue(post.allowed());
        assertEquals("rules.yaml:17:9", post.rule());
        // POST with the placeholder in the query: grant 1 stops at the method, grant 2 at the part: part wins.
        Decision postQuery = e.decideHttp("a", "POST", uri("https://api.github.com/repos/x/issues"), QUERY, "veil:github");
        assertEquals(Reason.PART_NOT_ALLOWED, postQuery.reason());
        assertEquals("rules.yaml:17:9", postQuery.rule());
        // Outside /repos: url not allowed, explained by the first grant whose host matched.
        Decision other = e.decideHttp("a", "GET", uri("https://api.github.com/user"), HEADER, "veil:github");
        assertEquals(Reason.URL_NOT_ALLOWED, other.reason());
        assertEquals("rules.yaml:15:9", other.rule());
    }

    @Test void noHttpRuleForAJdbcCredential() {
        Decision d = engine(db).decideHttp("a", "GET", uri("https://example.com/"), HEADER, "veil:orders-db");
        assertEquals(Reason.NO_RULE, d.reason());
        assertEquals("no http rule for this credential", d.reasonText());
        Decision j = engine(openai).decideJdbc("research-agent", "jdbc:postgresql://localhost/orders", "x", "veil:openai");
        assertEquals("no jdbc rule for this credential", j.reasonText());
    }

    @Test void jdbcUrlUserAndReadOnly() {
        PolicyEngine e = engine(db);
        Decision ro = e.decideJdbc("a", "jdbc:postgresql://localhost:5432/orders?ssl=true", "agent_ro", "veil:orders-db");
        assertTrue(ro.allowed(), ro::message);
        assertTrue(ro.readOnly());
        assertEquals("rules.yaml:25:9", ro.rule());
        assertNull(ro.method());
        assertEquals("jdbc:postgresql://localhost:5432/orders", ro.destination());

        Decision rw = e.decideJdbc("a", "jdbc:postgresql://localhost/orders", "agent_rw", "veil:orders-db");
        assertTrue(rw.allowed());
        assertFalse(rw.readOnly());
        assertEquals("rules.yaml:28:9", rw.rule());

        Decision user = e.decideJdbc("a", "jdbc:postgresql://localhost/orders", "postgres", "veil:orders-db");
        assertEquals(Reason.USER_NOT_ALLOWED, user.reason());
        assertEquals("database user 'postgres' not allowed (rule allows 'agent_ro')", user.reasonText());
        assertFalse(user.readOnly());
        assertEquals("veil: denied credential 'orders-db' for jdbc:postgresql://localhost/orders (agent a): database user 'postgres' not allowed (rule allows 'agent_ro')", user.message());
        assertEquals("no database user given (rule allows 'agent_ro')",
                e.decideJdbc("a", "jdbc:postgresql://localhost/orders", null, "veil:orders-db").reasonText());

        Decision url = e.decideJdbc("a", "jdbc:postgresql://db.internal/orders;password=hunter2", "agent_ro", "veil:orders-db");
        assertEquals(Reason.JDBC_URL_NOT_ALLOWED, url.reason());
        assertFalse(url.message().contains("hunter2"), url.message());
        assertEquals(Reason.UNKNOWN_PLACEHOLDER, e.decideJdbc("a", "jdbc:postgresql://localhost/orders", "agent_ro", "veil:x").reason());
    }

    @Test void jdbcDestinationsDropInlinePasswords() {
        assertEquals("jdbc:postgresql://db:5432/orders", Destinations.jdbc("jdbc:postgresql://me:s3cr3t@db:5432/orders?x=1"));
        assertEquals("jdbc:oracle:thin:@db:1521:orcl", Destinations.jdbc("jdbc:oracle:thin:scott/ti:ger@db:1521:orcl"));
        assertEquals("jdbc:h2:mem:test", Destinations.jdbc("jdbc:h2:mem:test;PASSWORD=x"));
    }

    @Test void revokedAndRestored() {
        PolicyEngine e = engine(openai, github);
        URI u = uri("https://api.openai.com/v1/models");
        e.revocations().revoke("research-agent", "openai");
        Decision d = e.decideHttp("research-agent", "GET", u, HEADER, "veil:openai");
        assertEquals(Reason.REVOKED, d.reason());
        assertEquals("revocation", d.rule());
        assertTrue(d.message().endsWith("(agent research-agent): revoked for this agent"));
        assertTrue(e.revocations().restore("research-agent", "openai"));
        assertTrue(e.decideHttp("research-agent", "GET", u, HEADER, "veil:openai").allowed());

        e.revocations().revoke(Revocations.EVERY_AGENT, "github");
        assertEquals(Reason.REVOKED, e.decideHttp("anyone", "GET", uri("https://api.github.com/repos/a/issues"), HEADER, "veil:github").reason());
        e.revocations().replaceAll(Map.of());
        assertTrue(e.decideHttp("anyone", "GET", uri("https://api.github.com/repos/a/issues"), HEADER, "veil:github").allowed());
    }

    @Test void approvalHook() {
        Credential gated = credential("gated", Set.of(), null, Credential.Approval.ONCE,
                http("https://api.example.com/**", Set.of(), Set.of(), "rules.yaml:40:9"));
        URI u = uri("https://api.example.com/x");
        List<String> requests = new ArrayList<>();
        Approvals recording = new Approvals() {
            @Override public boolean approved(String agent, Credential c) { return agent.equals("trusted"); }
            @Override public void request(String agent, Credential c, String destination) { requests.add(agent + " " + c.name() + " " + destination); }
        };
        PolicyEngine e = new PolicyEngine(rules(gated), clock, recording);
        Decision waiting = e.decideHttp("other", "GET", u, HEADER, "veil:gated");
        assertEquals(Reason.AWAITING_APPROVAL, waiting.reason());
        assertEquals("awaiting approval", waiting.reasonText());
        assertEquals("credential gated: approval", waiting.rule());
        assertEquals(List.of("other gated https://api.example.com/x"), requests);
        assertTrue(e.decideHttp("trusted", "GET", u, HEADER, "veil:gated").allowed());

        assertEquals(Reason.AWAITING_APPROVAL, new PolicyEngine(rules(gated), clock, Approvals.NONE).decideHttp("a", "GET", u, HEADER, "veil:gated").reason());
        assertTrue(new PolicyEngine(rules(gated), clock, Approvals.ALL).decideHttp("a", "GET", u, HEADER, "veil:gated").allowed());
        // Approval NONE never consults the hook.
        assertTrue(new PolicyEngine(rules(openai), clock, Approvals.NONE)
                .decideHttp("research-agent", "GET", uri("https://api.openai.com/v1/x"), HEADER, "veil:openai").allowed());
    }

    @Test void rateExhaustionAndRefill() {
        Credential limited = credential("limited", Set.of(), Rate.parse("3/min"), Credential.Approval.NONE,
                http("https://api.example.com/**", Set.of(), Set.of(), "rules.yaml:50:9"));
        PolicyEngine e = engine(limited);
        URI u = uri("https://api.example.com/x");
        for (int i = 0; i < 3; i++) assertTrue(e.decideHttp("a", "GET", u, HEADER, "veil:limited").allowed());
        Decision over = e.decideHttp("a", "GET", u, HEADER, "veil:limited");
        assertEquals(Reason.RATE_EXCEEDED, over.reason());
        assertEquals("over the rate (3/min)", over.reasonText());
        assertEquals("credential limited: rate", over.rule());
        // Per agent: another agent has its own bucket.
        assertTrue(e.decideHttp("b", "GET", u, HEADER, "veil:limited").allowed());
        // Continuous refill: one token per 20s.
        clock.advance(Duration.ofSeconds(19));
        assertFalse(e.decideHttp("a", "GET", u, HEADER, "veil:limited").allowed());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(e.decideHttp("a", "GET", u, HEADER, "veil:limited").allowed());
        assertFalse(e.decideHttp("a", "GET", u, HEADER, "veil:limited").allowed());
        // A long pause refills to capacity, not beyond.
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) assertTrue(e.decideHttp("a", "GET", u, HEADER, "veil:limited").allowed());
        assertFalse(e.decideHttp("a", "GET", u, HEADER, "veil:limited").allowed());
    }

    @Test void deniedUsesSpendNoToken() {
        Credential limited = credential("limited", Set.of("a"), Rate.parse("1/min"), Credential.Approval.NONE,
                http("https://api.example.com/**", Set.of("GET"), Set.of(), "rules.yaml:50:9"));
        PolicyEngine e = engine(limited);
        URI u = uri("https://api.example.com/x");
        assertEquals(Reason.METHOD_NOT_ALLOWED, e.decideHttp("a", "POST", u, HEADER, "veil:limited").reason());
        assertEquals(Reason.PART_NOT_ALLOWED, e.decideHttp("a", "GET", u, BODY, "veil:limited").reason());
        assertEquals(Reason.HOST_NOT_ALLOWED, e.decideHttp("a", "GET", uri("https://other.example/"), HEADER, "veil:limited").reason());
        e.revocations().revoke("a", "limited");
        assertEquals(Reason.REVOKED, e.decideHttp("a", "GET", u, HEADER, "veil:limited").reason());
        e.revocations().restore("a", "limited");
        assertTrue(e.decideEgress("a", "GET", u, "limited").allowed());
        e.explain("a", "GET", u);
        assertTrue(e.decideHttp("a", "GET", u, HEADER, "veil:limited").allowed());
        assertEquals(Reason.RATE_EXCEEDED, e.decideHttp("a", "GET", u, HEADER, "veil:limited").reason());
    }

    @Test void egressOfRealValues() {
        PolicyEngine e = engine(openai, github);
        assertTrue(e.decideEgress("research-agent", "POST", uri("https://api.openai.com/v1/chat"), "openai").allowed());
        Decision out = e.decideEgress("research-agent", "POST", uri("https://evil.example/steal"), "openai");
        assertEquals(Reason.HOST_NOT_ALLOWED, out.reason());
        assertEquals("veil: denied real value of credential 'openai' for POST https://evil.example/steal (agent research-agent): host not allowed by any rule", out.message());
        assertEquals(Reason.METHOD_NOT_ALLOWED, e.decideEgress("research-agent", "PUT", uri("https://api.openai.com/v1/chat"), "openai").reason());
        assertEquals(Reason.AGENT_NOT_ALLOWED, e.decideEgress("intruder", "POST", uri("https://api.openai.com/v1/chat"), "openai").reason());
        assertEquals(Reason.UNKNOWN_CREDENTIAL, e.decideEgress("research-agent", "POST", uri("https://api.openai.com/v1/chat"), "nope").reason());
        e.revocations().revoke("research-agent", "openai");
        assertEquals(Reason.REVOKED, e.decideEgress("research-agent", "POST", uri("https://api.openai.com/v1/chat"), "openai").reason());
    }

    @Test void explainIsDeterministicAndComplete() {
        Credential limited = credential("limited", Set.of(), Rate.parse("120/min"), Credential.Approval.ONCE,
                http("https://api.openai.com/v1/models", Set.of(), Set.of(HEADER, QUERY), "rules.yaml:60:9"));
        PolicyEngine e = engine(openai, github, db, limited);
        Explanation x = e.explain("research-agent", "get", uri("https://api.openai.com/v1/models?q=1"));
        String expected = "agent research-agent, GET https://api.openai.com/v1/models\n"
                + "openai: inject by rules.yaml:9:9 (in: header; rate: unlimited; approval: none)\n"
                + "github: deny by credential github: allow: host not allowed by any rule\n"
                + "orders-db: deny by credential orders-db: allow: no http rule for this credential\n"
                + "limited: inject by rules.yaml:60:9 (in: header, query; rate: 120/min; approval: once)\n";
        assertEquals(expected, x.format());
        assertEquals(expected, e.explain("research-agent", "GET", uri("https://api.openai.com/v1/models")).format());
        assertTrue(x.anyAllowed());
        assertEquals(4, x.decisions().size());
        Explanation other = e.explain("other", "DELETE", uri("https://api.openai.com/v1/models"));
        assertEquals("agent other, DELETE https://api.openai.com/v1/models\n"
                + "openai: deny by credential openai: agents: agent not allowed for this credential\n"
                + "github: deny by credential github: allow: host not allowed by any rule\n"
                + "orders-db: deny by credential orders-db: allow: no http rule for this credential\n"
                + "limited: inject by rules.yaml:60:9 (in: header, query; rate: 120/min; approval: once)\n", other.format());
    }
}
