package dev.veil.it.jdkhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HttpURLConnection/HttpsURLConnection ("huc") and java.net.http.HttpClient over HTTP/1.1 ("jhc") in a child
 * JVM with the real agent, against real local servers: what arrived on the wire, and what the application saw.
 */
class JdkHttpClientsTest {
    private static final String SECRET = "sk-jdk-" + Long.toHexString(System.nanoTime()) + "-Q7x";
    private static final String LIMITED = "lim-" + Long.toHexString(System.nanoTime()) + "-W2z";
    private static final String PASSWORD = "changeit";

    @TempDir static Path tls;
    private static SSLContext serverTls;

    @TempDir Path tmp;

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Path jdk : Jdks.all()) for (String client : List.of("huc", "jhc")) out.add(Arguments.of(jdk, client));
        return out.stream();
    }

    /** A test CA: a self-signed certificate for 127.0.0.1 the child trusts through its trust store. */
    @BeforeAll
    static void testCa() throws Exception {
        Path keytool = Jdks.current().resolve("bin/keytool");
        run(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", tls.resolve("server.p12").toString(),
                "-storepass", PASSWORD, "-storetype", "PKCS12");
        run(keytool.toString(), "-exportcert", "-alias", "server", "-keystore", tls.resolve("server.p12").toString(),
                "-storepass", PASSWORD, "-file", tls.resolve("ca.crt").toString());
        run(keytool.toString(), "-importcert", "-noprompt", "-alias", "ca", "-file", tls.resolve("ca.crt").toString(),
                "-keystore", tls.resolve("trust.p12").toString(), "-storepass", PASSWORD, "-storetype", "PKCS12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(tls.resolve("server.p12").toFile())) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    @ParameterizedTest(name = "JDK {0} {1}")
    @MethodSource("matrix")
    void injectsPerHopDeniesElsewhereAndScrubsResponses(Path jdk, String client) throws Exception {
        boolean huc = client.equals("huc");
        try (WireServer other = WireServer.http("127.0.0.2", null);
             WireServer api = WireServer.http("127.0.0.1", other.base);
             WireServer flaky = WireServer.flaky(huc ? 1 : 2);
             WireServer secure = WireServer.https(serverTls)) {
            Path rules = tmp.resolve("rules.yaml");
            Files.writeString(rules, "version: 1\n"
                    + "stores: {t: {type: env}}\n"
                    + "credentials:\n"
                    + "  apikey:\n    source: t/VEIL_TEST_APIKEY\n    agents: [it-agent]\n    allow:\n"
                    + "      - url: " + api.base + "/v1/**\n        methods: [GET, POST]\n        in: [header, query, body]\n"
                    + "      - url: " + flaky.base + "/v1/**\n        methods: [GET]\n"
                    + "      - url: " + secure.base + "/v1/**\n        methods: [GET]\n"
                    + "  limited:\n    source: t/VEIL_TEST_LIMITED\n    rate: 1/min\n    allow:\n      - url: " + api.base + "/v1/**\n"
                    + "  elsewhere:\n    source: t/VEIL_TEST_LIMITED\n    agents: [someone-else]\n    allow:\n      - url: " + api.base + "/v1/**\n"
                    + "audit: {path: " + tmp.resolve("audit.jsonl") + "}\n");
            String echo = api.base + "/v1/echo";
            String basic = Base64.getEncoder().encodeToString(("user:" + SECRET).getBytes(StandardCharsets.UTF_8));
            String[] scenarios = {
                "plain=GET," + api.base + "/v1/plain,X-Other:nothing-to-see,,string",
                "header=GET," + echo + ",X-Api-Key:veil:apikey,,string",
                "stream=GET," + echo + ",X-Api-Key:veil:apikey,,stream",
                "lines=GET," + echo + ",X-Api-Key:veil:apikey,,lines",
                "bearer=GET," + echo + ",Authorization:Bearer veil:apikey,,string",
                "basic=GET," + echo + ",Authorization:basic user:veil:apikey,,string",
                "query=GET," + echo + "?key=veil:apikey&x=1,,,string",
                "body=POST," + echo + ",,{\"key\":\"veil:apikey\";\"n\":1},string",
                "same-redirect=GET," + api.base + "/v1/redirect-same,X-Api-Key:veil:apikey,,string",
                "retry=GET," + flaky.base + "/v1/retry-a,X-Api-Key:veil:apikey,,string",
                "retry2=GET," + flaky.base + "/v1/retry-b,X-Api-Key:veil:apikey,,string",
                "tls=GET," + secure.base + "/v1/echo,X-Api-Key:veil:apikey,,string",
                "wrong-host=GET," + other.base + "/v1/echo,X-Api-Key:veil:apikey,,string",
                "wrong-host-async=GET," + other.base + "/v1/echo,X-Api-Key:veil:apikey,,async",
                "wrong-method=DELETE," + echo + ",X-Api-Key:veil:apikey,,string",
                "wrong-path=GET," + api.base + "/other,X-Api-Key:veil:apikey,,string",
                "wrong-agent=GET," + echo + ",X-Api-Key:veil:elsewhere,,string",
                "rate-1=GET," + echo + ",X-Api-Key:veil:limited,,string",
                "rate-2=GET," + echo + ",X-Api-Key:veil:limited,,string",
                "unknown=GET," + echo + ",X-Api-Key:veil:nope-not-here,,string",
                "cross-redirect-auth=GET," + api.base + "/v1/redirect-cross,Authorization:Bearer veil:apikey,,string",
                "cross-redirect-key=GET," + api.base + "/v1/redirect-cross,X-Api-Key:veil:apikey,,string",
                "real-value=GET," + other.base + "/v1/echo,X-Api-Key:$SECRET,,string",
            };
            ChildJvm.Result r = ChildJvm.on(jdk)
                    .env("VEIL_TEST_APIKEY", SECRET).env("VEIL_TEST_LIMITED", LIMITED)
                    .jvmArgs("-Duser.home=" + tmp, "-Djavax.net.ssl.trustStore=" + tls.resolve("trust.p12"),
                            "-Djavax.net.ssl.trustStorePassword=" + PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12",
                            "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=it-agent")
                    .main(ClientApp.class, prepend(client, scenarios));
            assertEquals(0, r.exit, r.toString());
            Map<String, String> seen = new HashMap<>();
            for (String line : r.out.split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0) seen.put(line.substring(0, sp), line.substring(sp + 1));
            }
            String ctx = r + "\n--- api\n" + api.received + "\n--- other\n" + other.received + "\n--- flaky\n" + flaky.received;
            assertFalse(r.out.contains(SECRET) || r.err.contains(SECRET), "the application saw the real value:\n" + ctx);
            assertFalse(Files.readString(tmp.resolve("audit.jsonl")).contains(SECRET), "secret in the audit log");

            // No placeholder: untouched on the wire and for the application.
            assertTrue(seen.get("plain").startsWith("OK 200 ok"), ctx);
            assertEquals("nothing-to-see", api.byScenario("plain").get(0).header("X-Other"), ctx);

            // Allowed injection in each part; the echo (header, chunked body split inside the value) is scrubbed.
            for (String s : List.of("header", "stream", "lines")) {
                assertEquals(SECRET, only(api, s).header("X-Api-Key"), s + "\n" + ctx);
                assertTrue(seen.get(s).startsWith("OK 200 {\"auth\":\"\",\"key\":\"veil:apikey\""), s + "\n" + ctx);
                assertTrue(seen.get(s).contains(" veil:apikey"), "X-Echo not scrubbed: " + s + "\n" + ctx);
                if (huc) break; // one reader for HttpURLConnection
            }
            assertEquals("Bearer " + SECRET, only(api, "bearer").header("Authorization"), ctx);
            assertTrue(seen.get("bearer").contains("\"auth\":\"Bearer_veil:apikey\""), ctx);
            assertEquals("Basic " + basic, only(api, "basic").header("Authorization"), ctx);
            assertFalse(seen.get("basic").contains(basic), ctx);
            assertEquals("/v1/echo?key=" + SECRET + "&x=1", only(api, "query").target, ctx);
            WireServer.Received body = only(api, "body");
            assertEquals("{\"key\":\"" + SECRET + "\",\"n\":1}", body.body, ctx);
            assertTrue(seen.get("body").contains("\"body\":{\"key\":\"veil:apikey\",\"n\":1}"), ctx);
            assertEquals(2, api.byScenario("same-redirect").size(), ctx);
            for (WireServer.Received hop : api.byScenario("same-redirect")) assertEquals(SECRET, hop.header("X-Api-Key"), ctx);
            assertTrue(seen.get("same-redirect").startsWith("OK 200"), ctx);
            // Retry on a connection the server closed without answering: the retried hop is injected too.
            String retried = huc ? "retry" : "retry2";
            assertEquals(2, flaky.byScenario(retried).size(), ctx);
            for (WireServer.Received hop : flaky.byScenario(retried)) assertEquals(SECRET, hop.header("X-Api-Key"), ctx);
            assertTrue(seen.get(retried).startsWith("OK 200 ok"), ctx);
            assertEquals(SECRET, only(secure, "tls").header("X-Api-Key"), ctx);
            assertTrue(seen.get("tls").startsWith("OK 200 {\"auth\":\"\",\"key\":\"veil:apikey\""), ctx);

            // Denied: not sent, an IOException naming credential, destination and agent.
            for (String s : List.of("wrong-host", "wrong-method", "wrong-path", "wrong-agent", "rate-2", "unknown",
                    "cross-redirect-key", "real-value")) {
                String line = seen.get(s);
                assertTrue(line != null && line.startsWith("DENIED dev.veil.inject.VeilDeniedException veil:"), s + "\n" + ctx);
            }
            if (!huc) assertTrue(seen.get("wrong-host-async").startsWith("DENIED dev.veil.inject.VeilDeniedException"), ctx);
            assertTrue(seen.get("rate-1").startsWith("OK 200"), ctx);
            assertTrue(seen.get("wrong-host").contains("apikey") && seen.get("wrong-host").contains("it-agent"), ctx);
            assertTrue(seen.get("unknown").contains("nope-not-here"), ctx);
            assertTrue(api.byScenario("wrong-method").isEmpty() && api.byScenario("wrong-path").isEmpty()
                    && api.byScenario("wrong-agent").isEmpty() && api.byScenario("unknown").isEmpty(), ctx);
            assertEquals(1, api.byScenario("rate-1").size() + api.byScenario("rate-2").size(), ctx);
            // Cross-host redirects: the second host never receives the real value (X-Api-Key: denied outright;
            // Authorization: denied, or dropped by the client itself where it strips it).
            assertTrue(other.received.stream().noneMatch(x -> x.all().contains(SECRET)), ctx);
            assertTrue(other.byScenario("cross-redirect-key").isEmpty() && other.byScenario("wrong-host").isEmpty()
                    && other.byScenario("real-value").isEmpty(), ctx);
            String crossAuth = seen.get("cross-redirect-auth");
            assertTrue(crossAuth.startsWith("DENIED dev.veil.inject.VeilDeniedException") || other.byScenario("cross-redirect-auth").size() == 1
                    && other.byScenario("cross-redirect-auth").get(0).header("Authorization") == null, ctx);

            if (!huc) {
                // The application's request still shows the placeholder after the send.
                assertTrue(seen.get("header").contains("request-headers[X-Api-Key=[veil:apikey]]"), ctx);
                assertTrue(seen.get("query").contains("uri[" + echo + "?key=veil:apikey&x=1]"), ctx);
            }
            String audit = Files.readString(tmp.resolve("audit.jsonl"));
            assertTrue(audit.contains("\"event\":\"inject\"") && audit.contains("\"event\":\"deny\""), audit);
        }
    }

    private static WireServer.Received only(WireServer server, String scenario) {
        List<WireServer.Received> rs = server.byScenario(scenario);
        assertEquals(1, rs.size(), scenario + ": " + server.received);
        return rs.get(0);
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
