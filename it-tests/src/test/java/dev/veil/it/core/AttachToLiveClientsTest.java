package dev.veil.it.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import dev.veil.it.apps.ClientsBeforeAttach;
import dev.veil.it.jdkhttp.WireServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code veil attach} into a JVM whose JDK HttpClient, OkHttp 4 and Apache 5 classic clients were built and
 * used before the agent arrived: the same client objects then inject, deny and scrub.
 */
class AttachToLiveClientsTest {
    private static final String SECRET = "sk-att-" + Long.toHexString(System.nanoTime()) + "-P4q";

    @TempDir Path tmp;

    static Stream<Path> jdks() { return Jdks.all().stream(); }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void clientsBuiltBeforeTheAttachInjectDenyAndScrub(Path jdk) throws Exception {
        try (WireServer other = WireServer.http("127.0.0.2", null);
             WireServer api = WireServer.http("127.0.0.1", null)) {
            Path rules = tmp.resolve("rules.yaml");
            Files.writeString(rules, "version: 1\n"
                    + "stores: {t: {type: env}}\n"
                    + "credentials:\n"
                    + "  apikey:\n    source: t/VEIL_TEST_APIKEY\n    allow:\n"
                    + "      - url: " + api.base + "/v1/**\n        methods: [GET]\n        in: [header, query]\n"
                    + "audit: {path: " + tmp.resolve("audit.jsonl") + "}\n");
            try (AttachTest.Running app = new AttachTest.Running(jdk, classPath(), ClientsBeforeAttach.class,
                    Map.of("VEIL_TEST_APIKEY", SECRET), List.of("-Duser.home=" + tmp), api.base, other.base)) {
                for (String client : List.of("jdk", "okhttp", "apache")) {
                    assertTrue(app.lines.contains(client + "-before OK 200  {\"auth\":\"\",\"key\":\"\",\"body\":null}~"), app.lines.toString());
                }
                ChildJvm.Result attach = ChildJvm.on(jdk).cli("attach", Long.toString(app.pid()), "rules=" + rules + ",agent=it-agent");
                assertEquals(0, attach.exit, attach.toString());
                String err = app.finish();
                String ctx = app.lines + "\n--- stderr\n" + err + "\n--- api\n" + api.received + "\n--- other\n" + other.received;
                assertFalse(String.join("\n", app.lines).contains(SECRET) || err.contains(SECRET), "the application saw the real value\n" + ctx);
                assertFalse(err.contains("instrumentation of"), ctx);

                for (String client : List.of("jdk", "okhttp", "apache")) {
                    // Injected on the wire; the echo in the X-Echo header and in the JSON body is scrubbed.
                    assertEquals(SECRET, only(api, client + "-header").header("X-Api-Key"), client + "\n" + ctx);
                    assertTrue(app.lines.contains(client + "-header OK 200 veil:apikey {\"auth\":\"\",\"key\":\"veil:apikey\",\"body\":null}~"),
                            client + "\n" + ctx);
                    // OkHttp's and Apache's URL builders percent-encode the placeholder; it is found and swapped all the same.
                    assertEquals("/v1/echo?key=" + SECRET + "&x=1", only(api, client + "-query").target, client + "\n" + ctx);
                    // Another host: not sent.
                    String denied = line(app.lines, client + "-denied");
                    assertTrue(denied.startsWith("DENIED dev.veil.inject.VeilDeniedException veil:"), client + "\n" + ctx);
                    assertTrue(denied.contains("apikey"), denied);
                }
                assertTrue(other.received.isEmpty(), ctx);
                String audit = Files.readString(tmp.resolve("audit.jsonl"));
                assertTrue(audit.contains("\"event\":\"inject\"") && audit.contains("\"event\":\"deny\""), audit);
                assertFalse(audit.contains(SECRET), "secret in the audit log");
            }
        }
    }

    private static String line(List<String> lines, String scenario) {
        return lines.stream().filter(l -> l.startsWith(scenario + " ")).map(l -> l.substring(scenario.length() + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + scenario + ": " + lines));
    }

    private static WireServer.Received only(WireServer server, String scenario) {
        List<WireServer.Received> rs = server.byScenario(scenario);
        assertEquals(1, rs.size(), scenario + ": " + server.received);
        return rs.get(0);
    }

    /** Test classes plus OkHttp 4 and Apache HttpClient 5.6 (copied to target/libs by the build). */
    private static String classPath() throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(Paths.get(ClientsBeforeAttach.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        for (String lib : List.of("okhttp4", "httpclient5-5.6")) {
            try (Stream<Path> jars = Files.list(ChildJvm.REPO.resolve("it-tests/target/libs").resolve(lib))) {
                jars.sorted().forEach(j -> cp.add(j.toString()));
            }
        }
        return String.join(File.pathSeparator, cp);
    }
}
