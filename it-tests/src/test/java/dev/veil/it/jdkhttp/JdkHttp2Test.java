package dev.veil.it.jdkhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import dev.veil.it.okhttp.TestCa;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.Headers;
import okhttp3.Protocol;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * java.net.http.HttpClient over HTTP/2 (TLS, ALPN h2) in a child JVM with the real agent, against OkHttp's
 * MockWebServer speaking h2: what arrived in the HEADERS frame (pseudo-headers included) and DATA frames,
 * and what the application saw.
 */
class JdkHttp2Test {
    private static final String SECRET = "sk-h2-" + Long.toHexString(System.nanoTime()) + "-Z8k";
    private static final String OTHER_SECRET = "hk-h2-" + Long.toHexString(System.nanoTime()) + "-J3m";

    @TempDir static Path caDir;
    static TestCa ca;

    @TempDir Path tmp;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(caDir);
    }

    static Stream<Path> jdks() { return Jdks.all().stream(); }

    /** One request as the h2 server decoded it; on h2 the headers include :scheme and :authority. */
    record Hit(String method, String path, Headers headers, String body) {
        String scenario() { return headers.get("x-scenario"); }
    }

    /** An h2 (and http/1.1) server over TLS on 127.0.0.1 that records every request and echoes credentials back. */
    private static MockWebServer h2Server(List<Hit> hits, String crossTarget) throws Exception {
        MockWebServer server = new MockWebServer();
        server.useHttps(ca.serverContext().getSocketFactory(), false);
        server.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String body = r.getBody().readUtf8();
                hits.add(new Hit(r.getMethod(), r.getPath(), r.getHeaders(), body));
                String path = r.getPath();
                if (path.startsWith("/v1/redirect-cross")) {
                    return new MockResponse().setResponseCode(302).setHeader("Location", crossTarget + "/v1/echo");
                }
                if (!path.startsWith("/v1/echo")) return new MockResponse().setHeader("Content-Type", "text/plain").setBody("ok");
                String key = String.valueOf(r.getHeader("x-api-key")).replace("null", "");
                String auth = String.valueOf(r.getHeader("authorization")).replace("null", "");
                String json = "{\"auth\":\"" + auth + "\",\"key\":\"" + key + "\",\"body\":" + (body.isEmpty() ? "null" : body) + "}\n";
                // Small DATA frames with pauses: the echoed value arrives split across frames.
                return new MockResponse().setHeader("Content-Type", "application/json").setHeader("X-Echo", key)
                        .setBody(json).throttleBody(7, 5, TimeUnit.MILLISECONDS);
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        return server;
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void injectsInHeadersPathAndBodyDeniesAndScrubsOverH2(Path jdk) throws Exception {
        List<Hit> apiHits = new CopyOnWriteArrayList<>();
        List<Hit> otherHits = new CopyOnWriteArrayList<>();
        try (MockWebServer other = h2Server(otherHits, null)) {
            String otherBase = "https://localhost:" + other.getPort();
            try (MockWebServer api = h2Server(apiHits, otherBase)) {
                String base = "https://127.0.0.1:" + api.getPort();
                String echo = base + "/v1/echo";
                Path rules = tmp.resolve("rules.yaml");
                Files.writeString(rules, "version: 1\n"
                        + "stores: {t: {type: env}}\n"
                        + "credentials:\n"
                        + "  apikey:\n    source: t/VEIL_TEST_APIKEY\n    allow:\n"
                        + "      - url: " + base + "/v1/**\n        methods: [GET, POST]\n        in: [header, query, body]\n"
                        + "  headeronly:\n    source: t/VEIL_TEST_OTHER\n    allow:\n      - url: " + base + "/v1/**\n"
                        + "audit: {path: " + tmp.resolve("audit.jsonl") + "}\n");
                String[] scenarios = {
                    "jhc2",
                    "plain=GET," + base + "/v1/plain,X-Other:nothing-to-see,,string",
                    "header=GET," + echo + ",X-Api-Key:veil:apikey,,string",
                    "bearer=GET," + echo + ",Authorization:Bearer veil:apikey,,stream",
                    "query=GET," + echo + "?key=veil:apikey&x=1,,,string",
                    "body=POST," + echo + ",,{\"key\":\"veil:apikey\";\"n\":1},string",
                    "async=GET," + echo + ",X-Api-Key:veil:apikey,,async",
                    "wrong-host=GET," + otherBase + "/v1/echo,X-Api-Key:veil:apikey,,string",
                    "wrong-host-async=GET," + otherBase + "/v1/echo,X-Api-Key:veil:apikey,,async",
                    "wrong-method=DELETE," + echo + ",X-Api-Key:veil:apikey,,string",
                    "wrong-part=POST," + echo + ",,{\"key\":\"veil:headeronly\"},string",
                    "wrong-query=GET," + echo + "?key=veil:headeronly,,,string",
                    "cross-redirect-key=GET," + base + "/v1/redirect-cross,X-Api-Key:veil:apikey,,string",
                };
                List<String> jvmArgs = new ArrayList<>(ca.clientJvmArgs());
                jvmArgs.add("-Duser.home=" + tmp);
                jvmArgs.add("-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=it-agent");
                ChildJvm.Result r = ChildJvm.on(jdk).env("VEIL_TEST_APIKEY", SECRET).env("VEIL_TEST_OTHER", OTHER_SECRET)
                        .jvmArgs(jvmArgs.toArray(new String[0])).main(ClientApp.class, scenarios);
                String ctx = r + "\n--- api\n" + apiHits + "\n--- other\n" + otherHits;
                assertEquals(0, r.exit, ctx);
                Map<String, String> seen = new HashMap<>();
                for (String line : r.out.split("\n")) {
                    int sp = line.indexOf(' ');
                    if (sp > 0) seen.put(line.substring(0, sp), line.substring(sp + 1));
                }
                for (String secret : List.of(SECRET, OTHER_SECRET)) {
                    assertFalse(r.out.contains(secret) || r.err.contains(secret), "the application saw a real value:\n" + ctx);
                    assertFalse(Files.readString(tmp.resolve("audit.jsonl")).contains(secret), "a real value in the audit log");
                }
                assertFalse(r.err.contains("instrumentation of"), ctx);

                // Every request the servers got came over h2 (pseudo-headers in the HEADERS frame), and the app saw HTTP_2.
                assertFalse(apiHits.isEmpty(), ctx);
                for (Hit h : apiHits) assertEquals("https", h.headers().get(":scheme"), h + "\n" + ctx);
                for (String s : List.of("plain", "header", "bearer", "query", "body", "async")) {
                    assertTrue(seen.get(s).startsWith("OK 200 ") && seen.get(s).endsWith(" version[HTTP_2]"), s + "\n" + ctx);
                }
                assertEquals("nothing-to-see", only(apiHits, "plain").headers().get("x-other"), ctx);

                // Injected in a header, in :path's query and in the DATA frames of the body.
                assertEquals(SECRET, only(apiHits, "header").headers().get("x-api-key"), ctx);
                assertEquals(SECRET, only(apiHits, "async").headers().get("x-api-key"), ctx);
                assertEquals("Bearer " + SECRET, only(apiHits, "bearer").headers().get("authorization"), ctx);
                assertEquals("/v1/echo?key=" + SECRET + "&x=1", only(apiHits, "query").path(), ctx);
                Hit body = only(apiHits, "body");
                assertEquals("{\"key\":\"" + SECRET + "\",\"n\":1}", body.body(), ctx);
                assertEquals(String.valueOf(body.body().length()), body.headers().get("content-length"), ctx);

                // The echo, in a response header and a JSON body split across DATA frames, is scrubbed.
                for (String s : List.of("header", "async")) {
                    assertTrue(seen.get(s).startsWith("OK 200 {\"auth\":\"\",\"key\":\"veil:apikey\",\"body\":null}~ veil:apikey "), s + "\n" + ctx);
                }
                assertTrue(seen.get("bearer").startsWith("OK 200 {\"auth\":\"Bearer_veil:apikey\""), ctx);
                assertTrue(seen.get("body").contains("\"body\":{\"key\":\"veil:apikey\",\"n\":1}"), ctx);
                // The application's request keeps its placeholders.
                assertTrue(seen.get("header").contains("request-headers[X-Api-Key=[veil:apikey]]"), ctx);
                assertTrue(seen.get("query").contains("uri[" + echo + "?key=veil:apikey&x=1]"), ctx);

                // Denied: not sent (no HEADERS frame reached either server), Veil's IOException to sync and async callers.
                for (String s : List.of("wrong-host", "wrong-host-async", "wrong-method", "wrong-part", "wrong-query", "cross-redirect-key")) {
                    assertTrue(seen.get(s) != null && seen.get(s).startsWith("DENIED dev.veil.inject.VeilDeniedException veil:"), s + "\n" + ctx);
                }
                assertTrue(seen.get("wrong-part").contains("headeronly") && seen.get("wrong-query").contains("headeronly"), ctx);
                for (String s : List.of("wrong-method", "wrong-part", "wrong-query")) assertTrue(byScenario(apiHits, s).isEmpty(), s + "\n" + ctx);
                assertEquals(1, byScenario(apiHits, "cross-redirect-key").size(), ctx);
                assertTrue(otherHits.isEmpty(), ctx);

                String audit = Files.readString(tmp.resolve("audit.jsonl"));
                assertTrue(audit.contains("\"event\":\"inject\"") && audit.contains("\"event\":\"deny\""), audit);
            }
        }
    }

    private static List<Hit> byScenario(List<Hit> hits, String scenario) {
        return hits.stream().filter(h -> scenario.equals(h.scenario())).collect(Collectors.toList());
    }

    private static Hit only(List<Hit> hits, String scenario) {
        List<Hit> rs = byScenario(hits, scenario);
        assertEquals(1, rs.size(), scenario + ": " + hits);
        return rs.get(0);
    }
}
