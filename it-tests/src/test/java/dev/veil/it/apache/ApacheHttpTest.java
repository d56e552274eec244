package dev.veil.it.apache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apache HttpClient 4.5 classic, 5.x classic and 5.x async (the latest 5.6 and 5.2) in child JVMs with the
 * agent, on every test JDK, against recording servers on 127.0.0.1: what arrived on the wire, what the
 * application saw, and what the audit log says.
 */
class ApacheHttpTest {
    private static final String SECRET = "sk-apache-" + Long.toHexString(System.nanoTime()) + "-Qx7";
    private static final String RATE_SECRET = "rk-apache-" + Long.toHexString(System.nanoTime());
    private static final String OTHER_SECRET = "ok-apache-" + Long.toHexString(System.nanoTime());
    private static final Path LIBS = ChildJvm.REPO.resolve("it-tests/target");

    @TempDir static Path certs;
    private static SSLContext serverTls;
    @TempDir Path tmp;

    /** A test CA and a server certificate for 127.0.0.1 signed by it; the children trust only the CA. */
    @BeforeAll
    static void makeCertificates() throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=veil-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-keystore", "server.p12");
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile", "server.crt",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-rfc");
        keytool("-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-rfc", "-file", "ca.crt");
        keytool("-importcert", "-alias", "ca", "-file", "ca.crt", "-keystore", "server.p12", "-noprompt");
        keytool("-importcert", "-alias", "server", "-file", "server.crt", "-keystore", "server.p12");
        keytool("-importcert", "-alias", "ca", "-file", "ca.crt", "-keystore", "trust.p12", "-noprompt");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.resolve("server.p12"))) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Jdks.current().resolve("bin/keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", "changeit", "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(cmd).directory(certs.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + out);
    }

    /** A client flavour: its app, its class path, and whether it refuses cross-origin redirects carrying Authorization (5.5+). */
    enum Client {
        V4_5("4.5 classic", Apache4App.class, "httpclient4", false),
        V5_6("5.6 classic", Apache5App.class, "httpclient5-5.6", true),
        V5_6_ASYNC("5.6 async", Apache5AsyncApp.class, "httpclient5-5.6", true),
        V5_2("5.2 classic", Apache5App.class, "httpclient5-5.2", false),
        V5_2_ASYNC("5.2 async", Apache5AsyncApp.class, "httpclient5-5.2", false);

        final String label;
        final Class<?> app;
        final String libs;
        final boolean refusesCrossOriginAuthorization;

        Client(String label, Class<?> app, String libs, boolean refusesCrossOriginAuthorization) {
            this.label = label;
            this.app = app;
            this.libs = libs;
            this.refusesCrossOriginAuthorization = refusesCrossOriginAuthorization;
        }

        /** Test classes and this version's jars only: never the build's class path, which holds a veil-agent artifact. */
        String classPath() throws Exception {
            try (Stream<Path> jars = Files.list(LIBS.resolve("libs").resolve(libs))) {
                return LIBS.resolve("test-classes") + File.pathSeparator
                        + jars.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
            }
        }

        @Override public String toString() { return label; }
    }

    static Stream<Arguments> matrix() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of(Client.values()).map(c -> Arguments.of(jdk, c)));
    }

    @ParameterizedTest(name = "{1} on JDK {0}")
    @MethodSource("matrix")
    void injectsDecidesEveryHopAndScrubs(Path jdk, Client client) throws Exception {
        try (RecordingServer a = RecordingServer.http(SECRET); RecordingServer b = RecordingServer.http(SECRET);
             RecordingServer tls = RecordingServer.https(SECRET, serverTls)) {
            Path audit = tmp.resolve("audit.jsonl");
            Path rules = tmp.resolve("rules.yaml");
            Files.writeString(rules, String.join("\n",
                    "version: 1",
                    "stores: {env: {type: env}}",
                    "credentials:",
                    "  t:",
                    "    source: env/VEIL_T_SECRET",
                    "    agents: [apache-test]",
                    "    allow:",
                    "      - {url: 'http://127.0.0.1:" + a.port() + "/v1/**', methods: [GET, POST], in: [header, query, body]}",
                    "      - {url: 'https://127.0.0.1:" + tls.port() + "/v1/**', methods: [GET]}",
                    "  r:",
                    "    source: env/VEIL_R_SECRET",
                    "    rate: 2/min",
                    "    allow: [{url: 'http://127.0.0.1:" + a.port() + "/v1/**'}]",
                    "  o:",
                    "    source: env/VEIL_O_SECRET",
                    "    agents: [someone-else]",
                    "    allow: [{url: 'http://127.0.0.1:" + a.port() + "/v1/**'}]",
                    "audit: {path: '" + audit + "'}",
                    ""));
            ChildJvm.Result r = ChildJvm.on(jdk)
                    .env("VEIL_T_SECRET", SECRET).env("VEIL_R_SECRET", RATE_SECRET).env("VEIL_O_SECRET", OTHER_SECRET)
                    .jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=apache-test",
                            "-Djavax.net.ssl.trustStore=" + certs.resolve("trust.p12"), "-Djavax.net.ssl.trustStorePassword=changeit",
                            "-Djavax.net.ssl.trustStoreType=PKCS12")
                    .main(client.classPath(), client.app, "http://127.0.0.1:" + a.port(), "http://localhost:" + b.port(),
                            "https://127.0.0.1:" + tls.port(), client == Client.V4_5 ? "?drop=1" : "");
            assertEquals(0, r.exit, r.toString());
            assertFalse(r.out.contains(SECRET) || r.err.contains(SECRET), "the secret was printed:\n" + r);
            assertFalse(r.err.contains("instrumentation of"), r.toString());
            Map<String, String> lines = new HashMap<>();
            r.out.lines().forEach(l -> lines.put(l.substring(0, l.indexOf(' ')), l));
            String ctx = r + "\n--- A\n" + a.hits() + "\n--- B\n" + b.hits();

            // Allowed injection into each part; the application's request keeps its placeholders.
            ok(lines, "header", ctx);
            assertTrue(lines.get("header").contains("after-headers=Authorization:Bearer veil:t;X-Api-Key:veil:t;"), ctx);
            RecordingServer.Hit header = only(a.hits("/v1/header"), ctx);
            assertEquals("Bearer " + SECRET, header.header("Authorization"), ctx);
            assertEquals(SECRET, header.header("X-Api-Key"), ctx);

            ok(lines, "basic", ctx);
            assertEquals("Basic " + b64("user:" + SECRET), only(a.hits("/v1/basic"), ctx).header("Authorization"), ctx);
            assertTrue(lines.get("basic").contains("Authorization:Basic " + b64("user:veil:t")), ctx);

            ok(lines, "query", ctx);
            assertEquals("/v1/query?key=" + SECRET + "&x=1", only(a.hits("/v1/query"), ctx).target(), ctx);
            assertTrue(lines.get("query").contains("after-target=") && lines.get("query").contains("key=veil:t&x=1"), ctx);
            ok(lines, "query-encoded", ctx);
            assertEquals("/v1/query-encoded?key=" + SECRET + "&x=1", only(a.hits("/v1/query-encoded"), ctx).target(), ctx);

            ok(lines, "body", ctx);
            RecordingServer.Hit body = only(a.hits("/v1/body"), ctx);
            assertEquals("{\"key\":\"" + SECRET + "\",\"n\":1}", body.body(), ctx);
            assertTrue(lines.get("body").contains("after-body={\"key\":\"veil:t\",\"n\":1}"), ctx);

            // Auth retry: Basic credentials from the credentials provider, built after the 401 challenge.
            ok(lines, "auth", ctx);
            List<RecordingServer.Hit> auth = a.hits("/v1/auth");
            assertEquals(2, auth.size(), ctx);
            assertEquals("Basic " + b64("user:" + SECRET), auth.get(1).header("Authorization"), ctx);

            // Denials: the request is not sent; the caller gets an IOException with the DESIGN message.
            denied(lines, "wrong-host", "denied credential 't' for GET http://localhost:" + b.port() + "/v1/wrong-host", ctx);
            assertTrue(b.hits("/v1/wrong-host").isEmpty(), ctx);
            denied(lines, "wrong-method", "denied credential 't' for DELETE", ctx);
            assertTrue(a.hits("/v1/wrong-method").isEmpty(), ctx);
            denied(lines, "wrong-path", "denied credential 't' for GET http://127.0.0.1:" + a.port() + "/v2/wrong-path", ctx);
            assertTrue(a.hits("/v2/wrong-path").isEmpty(), ctx);
            denied(lines, "wrong-agent", "denied credential 'o'", ctx);
            assertTrue(a.hits("/v1/wrong-agent").isEmpty(), ctx);
            ok(lines, "rate-1", ctx);
            ok(lines, "rate-2", ctx);
            denied(lines, "rate-3", "denied credential 'r'", ctx);
            assertEquals(2, a.hits("/v1/rate").size(), ctx);
            denied(lines, "unknown", "veil:nope", ctx);
            assertTrue(a.hits("/v1/unknown").isEmpty(), ctx);
            denied(lines, "real-value", "a real value", ctx);
            assertTrue(b.hits("/v1/real-value").isEmpty(), ctx);

            // Redirects: the first hop carries the value; the other host never receives it.
            assertEquals("Bearer " + SECRET, only(a.hits("/v1/redirect-auth"), ctx).header("Authorization"), ctx);
            if (client.refusesCrossOriginAuthorization) {
                assertTrue(lines.get("redirect-auth").contains("status=302"), ctx);
            } else {
                denied(lines, "redirect-auth", "denied credential 't' for GET http://localhost:" + b.port() + "/v1/landing-auth", ctx);
            }
            assertTrue(b.hits("/v1/landing-auth").isEmpty(), ctx);
            assertEquals(SECRET, only(a.hits("/v1/redirect-key"), ctx).header("X-Api-Key"), ctx);
            denied(lines, "redirect-key", "denied credential 't' for GET http://localhost:" + b.port() + "/v1/landing-key", ctx);
            assertTrue(b.hits("/v1/landing-key").isEmpty(), ctx);
            assertTrue(b.hits().stream().noneMatch(h -> h.toString().contains(SECRET)), ctx);
            ok(lines, "redirect-same", ctx);
            assertEquals(SECRET, only(a.hits("/v1/landing-same"), ctx).header("X-Api-Key"), ctx);

            // Retry: decided and injected again on the second attempt.
            ok(lines, "retry", ctx);
            List<RecordingServer.Hit> retry = a.hits("/v1/retry");
            assertEquals(2, retry.size(), ctx);
            assertTrue(retry.stream().allMatch(h -> SECRET.equals(h.header("X-Api-Key"))), ctx);

            // Responses: header and a JSON body split across chunks are scrubbed; binary is untouched.
            ok(lines, "echo", ctx);
            assertTrue(lines.get("echo").contains("echo=key=veil:t body={\"echo\":\"veil:t\",\"ok\":true}"), ctx);
            assertTrue(lines.get("binary").contains(" status=200 ") && lines.get("binary").contains("binary-intact=true"), ctx);

            ok(lines, "tls", ctx);
            assertEquals(SECRET, only(tls.hits("/v1/tls"), ctx).header("X-Api-Key"), ctx);

            String log = Files.readString(audit);
            assertFalse(log.contains(SECRET) || log.contains(RATE_SECRET) || log.contains(OTHER_SECRET), log);
            assertTrue(log.contains("\"event\":\"inject\""), log);
            // One deny per refused request: a denial is not retried.
            assertEquals(client.refusesCrossOriginAuthorization ? 8 : 9, log.lines().filter(l -> l.contains("\"event\":\"deny\"")).count(), log);
        }
    }

    private static void ok(Map<String, String> lines, String name, String ctx) {
        String line = lines.get(name);
        assertTrue(line != null && line.contains(" status=200 ") && line.contains("leaked=false"), name + ":\n" + ctx);
    }

    private static void denied(Map<String, String> lines, String name, String message, String ctx) {
        String line = lines.get(name);
        assertTrue(line != null && line.contains(" error ") && line.contains("io=true") && line.contains("leaked=false")
                && line.contains(": veil: ") && line.contains(message), name + ":\n" + ctx);
    }

    private static RecordingServer.Hit only(List<RecordingServer.Hit> hits, String ctx) {
        assertEquals(1, hits.size(), ctx);
        return hits.get(0);
    }

    private static String b64(String s) { return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)); }
}
