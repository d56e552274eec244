package dev.veil.it.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OkHttp 3.14, 4.12 and 5.x in child JVMs with the real agent, against loopback servers that record what
 * actually arrived: injection in each request part, every denial, every hop (redirects, retry, authenticator),
 * sync and async calls, TLS, and scrubbed response headers and bodies. All scenarios of one version and JDK
 * run in one child ({@link OkHttpApp}).
 */
class OkHttpTest {
    private static final String OPENAI = "sk-it-" + hex();
    private static final String APIKEY = "ak-it-" + hex();
    private static final String LIMITED = "lk-it-" + hex();
    private static final String ELSEWHERE = "ek-it-" + hex();

    @TempDir static Path caDir;
    static TestCa ca;

    @TempDir Path tmp;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(caDir);
    }

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (String version : List.of("okhttp3", "okhttp4", "okhttp5")) {
            for (Path jdk : Jdks.all()) out.add(Arguments.of(version, jdk));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on JDK {1}")
    @MethodSource("matrix")
    void injectsPerHopDeniesElsewhereAndScrubsResponses(String version, Path jdk) throws Exception {
        AtomicInteger retries = new AtomicInteger();
        try (WireServer b = WireServer.http((hit, ex) -> WireServer.respond(ex, 200, "text/plain", "b"));
             WireServer tls = WireServer.https(ca.serverContext(), (hit, ex) -> WireServer.respond(ex, 200, "text/plain", "seen " + hit.header("Authorization")));
             WireServer a = WireServer.http((hit, ex) -> serveA(hit, ex, "http://localhost:" + b.port(), retries))) {
            String baseA = "http://127.0.0.1:" + a.port();
            String baseB = "http://localhost:" + b.port();
            String baseTls = "https://localhost:" + tls.port();
            Path audit = tmp.resolve("audit.jsonl");
            Path rules = tmp.resolve("rules.yaml");
            Files.writeString(rules, rules(a.port(), tls.port(), audit));

            List<String> jvmArgs = new ArrayList<>(ca.clientJvmArgs());
            jvmArgs.add("-Duser.home=" + tmp);
            jvmArgs.add("-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=it-agent");
            ChildJvm.Result r = ChildJvm.on(jdk)
                    .env("VEIL_IT_OPENAI", OPENAI).env("VEIL_IT_APIKEY", APIKEY)
                    .env("VEIL_IT_LIMITED", LIMITED).env("VEIL_IT_ELSEWHERE", ELSEWHERE)
                    .jvmArgs(jvmArgs.toArray(new String[0]))
                    .main(classPath(version), OkHttpApp.class, baseA, baseB, baseTls, OPENAI);
            String ctx = r + "\n--- wire A\n" + a.hits + "\n--- wire B\n" + b.hits;
            assertEquals(0, r.exit, ctx);
            for (String secret : List.of(OPENAI, APIKEY, LIMITED, ELSEWHERE)) {
                assertFalse(r.out.contains(secret) || r.err.contains(secret), "a real value reached the application's output\n" + ctx);
                assertFalse(Files.readString(audit).contains(secret), "a real value in the audit log");
            }
            assertFalse(r.err.contains("instrumentation of"), ctx);

            // Injected in each part, and what the application saw of the echo is scrubbed back to the placeholder.
            assertEquals("ok 200 echo-header=Bearer veil:openai request=Bearer veil:openai network-request=Bearer veil:openai body={\"seen\":\"Bearer veil:openai\"}",
                    line(r, "header"), ctx);
            assertEquals("Bearer " + OPENAI, a.hits("/v1/echo").get(0).header("Authorization"), ctx);
            assertEquals("Basic " + Base64.getEncoder().encodeToString(("user:" + OPENAI).getBytes(StandardCharsets.UTF_8)),
                    only(a, "/v1/basic").header("Authorization"), ctx);
            assertEquals(APIKEY, only(a, "/v1/key").header("X-Api-Key"), ctx);
            assertEquals("/v1/query?key=" + OPENAI + "&x=1", only(a, "/v1/query").uri, ctx);
            // HttpUrl's builder percent-encodes the placeholder (veil%3Aopenai).
            assertEquals("ok 200 body=ok", line(r, "query-encoded"), ctx);
            assertEquals("/v1/query-encoded?key=" + OPENAI + "&x=1", only(a, "/v1/query-encoded").uri, ctx);
            WireServer.Hit body = only(a, "/v1/body");
            assertEquals("{\"key\":\"" + OPENAI + "\",\"n\":1}", body.body, ctx);
            assertEquals(String.valueOf(body.body.length()), body.header("Content-Length"), ctx);

            assertEquals("ok 200 body=ok", line(r, "one-shot-body"), ctx);
            assertEquals("{\"key\":\"veil:openai\"}", only(a, "/v1/one-shot").body, ctx);
            assertEquals("ok 200 body=ok", line(r, "userinfo"), ctx);
            assertNull(only(a, "/v1/userinfo").header("Authorization"), ctx);
            assertEquals("ok 200 body={\"seen\":\"Bearer veil:openai\"}", line(r, "gzip"), ctx);

            // Interceptors above the hook (application and network) log placeholders.
            assertTrue(r.out.contains("app-interceptor GET " + baseA + "/v1/echo Authorization=Bearer veil:openai X-Api-Key=null"), ctx);
            assertTrue(r.out.contains("network-interceptor GET " + baseA + "/v1/echo Authorization=Bearer veil:openai X-Api-Key=null"), ctx);
            assertTrue(r.out.contains("network-interceptor GET " + baseA + "/v1/target Authorization=null X-Api-Key=veil:apikey"), ctx);

            // Denied: never sent, an IOException naming the credential.
            assertDenied(r, "wrong-host", "openai", ctx);
            assertTrue(b.hits("/v1/wrong-host").isEmpty(), ctx);
            for (String path : List.of("wrong-method", "wrong-part", "wrong-agent", "unknown")) {
                assertDenied(r, path, path.equals("wrong-part") ? "apikey" : path.equals("wrong-agent") ? "elsewhere" : path.equals("unknown") ? "veil:nosuchthing" : "openai", ctx);
                assertTrue(a.hits("/v1/" + path).isEmpty(), path + "\n" + ctx);
            }
            assertDenied(r, "wrong-path", "openai", ctx);
            assertTrue(a.hits("/admin/wrong-path").isEmpty(), ctx);
            assertEquals("ok 200 body=ok", line(r, "rate-1"), ctx);
            assertEquals("ok 200 body=ok", line(r, "rate-2"), ctx);
            assertDenied(r, "rate-3", "limited", ctx);
            assertEquals(2, a.hits("/v1/rate").size(), ctx);
            assertDenied(r, "egress", "openai", ctx);
            assertTrue(b.hits("/v1/egress").isEmpty(), ctx);
            assertDenied(r, "async-denied", "openai", ctx);
            assertTrue(b.hits("/v1/async-denied").isEmpty(), ctx);
            assertEquals("ok 200 body=ok", line(r, "async-allowed"), ctx);
            assertEquals("Bearer " + OPENAI, only(a, "/v1/async").header("Authorization"), ctx);

            // Every hop decided: OkHttp drops Authorization across hosts by itself; X-Api-Key it forwards, so Veil denies.
            assertEquals("ok 200 body=b", line(r, "redirect-authorization"), ctx);
            assertEquals("Bearer " + OPENAI, only(a, "/v1/redirect-authorization").header("Authorization"), ctx);
            assertNull(only(b, "/landing-authorization").header("Authorization"), ctx);
            assertDenied(r, "redirect-api-key", "apikey", ctx);
            assertEquals(APIKEY, only(a, "/v1/redirect-api-key").header("X-Api-Key"), ctx);
            assertTrue(b.hits("/landing-api-key").isEmpty(), ctx);
            assertEquals("ok 200 body=ok", line(r, "redirect-same-host"), ctx);
            assertEquals(APIKEY, only(a, "/v1/redirect-same-host").header("X-Api-Key"), ctx);
            assertEquals(APIKEY, only(a, "/v1/target").header("X-Api-Key"), ctx);
            assertEquals("ok 200 body=ok", line(r, "retry"), ctx);
            assertEquals(List.of("Bearer " + OPENAI, "Bearer " + OPENAI),
                    a.hits("/v1/retry").stream().map(h -> h.header("Authorization")).collect(Collectors.toList()), ctx);
            assertEquals("ok 200 body=ok", line(r, "authenticator"), ctx);
            assertEquals(java.util.Arrays.asList(null, "Bearer " + OPENAI),
                    a.hits("/v1/authenticate").stream().map(h -> h.header("Authorization")).collect(Collectors.toList()), ctx);

            // Streaming reads see scrubbed text across chunk boundaries; binary passes untouched.
            assertEquals("ok 200 data: {\"token\":\"veil:openai\"}|data: [DONE]|", line(r, "sse"), ctx);
            assertEquals("ok 200 body={\"seen\":\"Bearer veil:openai\"}", line(r, "byte-stream"), ctx);
            assertEquals("ok 200 untouched=true", line(r, "binary"), ctx);

            assertEquals("ok 200 http/1.1 body=seen Bearer veil:openai", line(r, "tls"), ctx);
            assertEquals("Bearer " + OPENAI, only(tls, "/v1/tls").header("Authorization"), ctx);

            String log = Files.readString(audit);
            assertTrue(log.contains("\"event\":\"inject\""), log);
            assertTrue(log.contains("\"event\":\"deny\""), log);
        }
    }

    /** Server A: echoes credentials back (split inside the value), redirects, fails once, challenges. */
    private static void serveA(WireServer.Hit hit, HttpExchange ex, String otherHost, AtomicInteger retries) throws IOException {
        String auth = hit.header("Authorization");
        switch (hit.path()) {
            case "/v1/echo": {
                int mid = "Bearer ".length() + OPENAI.length() / 2;
                ex.getResponseHeaders().set("X-Echo", auth);
                WireServer.respond(ex, 200, "application/json", "{\"seen\":\"" + auth.substring(0, mid), auth.substring(mid) + "\"}");
                return;
            }
            case "/v1/sse": {
                String token = auth.substring("Bearer ".length());
                int mid = token.length() / 2;
                WireServer.respond(ex, 200, "text/event-stream", "data: {\"token\":\"" + token.substring(0, mid),
                        token.substring(mid) + "\"}\n\n", "data: [DONE]\n\n");
                return;
            }
            case "/v1/gzip": {
                // Scrubbed after OkHttp's transparent gunzip, not on the compressed bytes.
                java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
                try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
                    gz.write(("{\"seen\":\"" + auth + "\"}").getBytes(StandardCharsets.UTF_8));
                }
                ex.getResponseHeaders().set("Content-Encoding", "gzip");
                WireServer.respond(ex, 200, "application/json", new String(zipped.toByteArray(), StandardCharsets.ISO_8859_1));
                return;
            }
            case "/v1/binary":
                WireServer.respond(ex, 200, "application/octet-stream", "\u0000\u0001" + auth.substring("Bearer ".length()) + "\u00ff");
                return;
            case "/v1/redirect-authorization":
                redirect(ex, otherHost + "/landing-authorization");
                return;
            case "/v1/redirect-api-key":
                redirect(ex, otherHost + "/landing-api-key");
                return;
            case "/v1/redirect-same-host":
                redirect(ex, "/v1/target");
                return;
            case "/v1/retry":
                // The first attempt loses its (pooled) connection before any response: OkHttp retries.
                if (retries.getAndIncrement() == 0) throw new IOException("connection dropped on purpose");
                break;
            case "/v1/authenticate":
                if (auth == null) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    WireServer.respond(ex, 401, "text/plain", "who are you");
                    return;
                }
                break;
            default:
                break;
        }
        WireServer.respond(ex, 200, "text/plain", "ok");
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    private static String rules(int portA, int portTls, Path audit) {
        String a = "http://127.0.0.1:" + portA + "/v1/**";
        return "version: 1\n"
                + "stores:\n  t: {type: env}\n"
                + "credentials:\n"
                + "  openai:\n    source: t/VEIL_IT_OPENAI\n    allow:\n"
                + "      - {url: '" + a + "', methods: [GET, POST], in: [header, query, body]}\n"
                + "      - {url: 'https://localhost:" + portTls + "/v1/**'}\n"
                + "  apikey:\n    source: t/VEIL_IT_APIKEY\n    allow:\n      - {url: '" + a + "'}\n"
                + "  limited:\n    source: t/VEIL_IT_LIMITED\n    rate: 2/min\n    allow:\n      - {url: '" + a + "'}\n"
                + "  elsewhere:\n    source: t/VEIL_IT_ELSEWHERE\n    agents: [someone-else]\n    allow:\n      - {url: '" + a + "'}\n"
                + "audit:\n  path: " + audit + "\n";
    }

    private static String classPath(String version) throws Exception {
        Path testClasses = Paths.get(OkHttpApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cp = new ArrayList<>();
        cp.add(testClasses.toString());
        try (Stream<Path> jars = Files.list(ChildJvm.REPO.resolve("it-tests/target/libs").resolve(version))) {
            jars.sorted().forEach(j -> cp.add(j.toString()));
        }
        assertTrue(cp.size() >= 3, "okhttp and okio jars for " + version + ": " + cp);
        return String.join(File.pathSeparator, cp);
    }

    private static String line(ChildJvm.Result r, String scenario) {
        String prefix = scenario + ": ";
        return r.out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + scenario + "\n" + r));
    }

    private static void assertDenied(ChildJvm.Result r, String scenario, String credential, String ctx) {
        String l = line(r, scenario);
        assertTrue(l.startsWith("failed dev.veil.inject.VeilDeniedException "), scenario + ": " + l + "\n" + ctx);
        assertTrue(l.contains(credential), scenario + ": " + l);
    }

    private static WireServer.Hit only(WireServer server, String path) {
        List<WireServer.Hit> hits = server.hits(path);
        assertEquals(1, hits.size(), path + ": " + hits);
        return hits.get(0);
    }

    private static String hex() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
