package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shipped examples say what their comments claim. */
class ExamplesTest {
    private static Rules example(String name) throws Exception {
        Path file = RulesCorpus.EXAMPLES.resolve(name);
        return RulesLoader.load(file);
    }

    private static HttpGrant http(Credential c, int i) { return (HttpGrant) c.allow().get(i); }

    @Test
    void quickstartAllowsTheLocalDemoApiOnly() throws Exception {
        Credential demo = example("quickstart.yaml").credentials().get("demo");
        assertEquals("veil:demo", demo.placeholder());
        assertEquals("local", demo.store());
        HttpGrant grant = http(demo, 0);
        assertTrue(grant.url().matches(URI.create("http://127.0.0.1:43123/v1/chat/completions")));
        assertFalse(grant.url().matches(URI.create("http://example.com/v1/chat")));
        assertFalse(grant.url().matches(URI.create("http://127.0.0.1:43123/admin")));
        assertTrue(grant.allowsMethod("POST"));
        assertFalse(grant.allowsMethod("DELETE"));
    }

    @Test
    void openaiAndAnthropicAreForTheResearchAgentOnTheirOwnHosts() throws Exception {
        Rules rules = example("openai-anthropic.yaml");
        Credential openai = rules.credentials().get("openai");
        Credential anthropic = rules.credentials().get("anthropic");
        assertEquals(Set.of("research-agent"), openai.agents());
        assertTrue(http(openai, 0).url().matches(URI.create("https://api.openai.com/v1/chat/completions")));
        assertFalse(http(openai, 0).url().matches(URI.create("https://api.anthropic.com/v1/messages")));
        assertTrue(http(anthropic, 0).url().matches(URI.create("https://api.anthropic.com/v1/messages")));
        assertEquals(Set.of(HttpGrant.Part.HEADER), http(anthropic, 0).in());
        assertEquals(120, openai.rate().permits());
        assertTrue(rules.blockRealSecrets());
    }

    @Test
    void databaseReaderIsReadOnlyOnPostgresAndMayUseH2InMemory() throws Exception {
        Rules rules = example("database-reader.yaml");
        JdbcGrant orders = (JdbcGrant) rules.credentials().get("orders-db").allow().get(0);
        assertTrue(orders.readOnly());
        assertEquals("agent_ro", orders.user());
        assertTrue(orders.jdbc().matches("jdbc:postgresql://localhost:5432/orders?sslmode=disable"));
        assertFalse(orders.jdbc().matches("jdbc:postgresql://localhost:5432/billing"));
        JdbcGrant replica = (JdbcGrant) rules.credentials().get("orders-db").allow().get(1);
        assertTrue(replica.jdbc().matches("jdbc:postgresql://orders-replica.internal.example:5432/orders"));
        Credential scratch = rules.credentials().get("scratch-db");
        assertEquals("veil:scratch-h2", scratch.placeholder());
        assertTrue(((JdbcGrant) scratch.allow().get(0)).jdbc().matches("jdbc:h2:mem:scratch;DB_CLOSE_DELAY=-1"));
    }

    @Test
    void multiAgentUsesAnExecStoreRatesAndApprovals() throws Exception {
        Rules rules = example("multi-agent.yaml");
        StoreSpec team = rules.stores().get("team");
        assertEquals("exec", team.type());
        assertEquals(List.of("pass", "show", "veil/{ref}"), team.option("command", List.class));
        assertEquals(Duration.ofSeconds(5), team.option("timeout", Duration.class));
        assertTrue(rules.stores().containsKey("local"), "the implied local store stays beside team");
        assertEquals(Credential.Approval.ONCE, rules.credentials().get("slack").approval());
        assertEquals(Credential.Approval.ALWAYS, rules.credentials().get("stripe").approval());
        assertFalse(rules.credentials().get("stripe").allowsAgent("triage-agent"));
        assertEquals(Duration.ofHours(1), rules.credentials().get("github").rate().period());
        assertEquals("acme-internal-token", rules.scrub().patterns().get(0).name());
        assertEquals(Rules.StoreErrorMode.SERVE_STALE, rules.onStoreError());
        assertEquals(Duration.ofMinutes(30), rules.maxStale());
    }
}
