package dev.veil.it.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A secret printed in two flushed writes of one line, a detector shape the engine was never told about or a
 * registered value, comes out redacted on stdout and stderr, through the byte and char paths and through streams
 * opened before the agent started (attached to the running JVM), on every test JDK.
 */
class StdioSplitTest {
    @TempDir Path tmp;

    static Stream<Arguments> runs() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of("javaagent", "attach").map(m -> Arguments.of(jdk, m)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("runs")
    void aSecretSplitBetweenTwoWritesOfOneLineIsRedacted(Path jdk, String mode) throws Exception {
        Path rules = tmp.resolve("rules.yaml");
        Files.writeString(rules, """
                version: 1
                stores:
                  t: {type: env}
                credentials:
                  split:
                    source: t/SPLIT_SECRET
                    allow:
                      - url: https://api.example.test/**
                audit:
                  path: %s
                """.formatted(tmp.resolve("audit.jsonl")));
        String agentArgs = "rules=" + rules + ",agent=split-agent";
        String[] outErr = mode.equals("javaagent") ? javaagent(jdk, agentArgs) : attached(jdk, agentArgs);
        String all = outErr[0] + outErr[1];
        List<Object[]> cases = StdioSplitApp.cases();
        assertTrue(outErr[0].contains("done " + cases.size()), () -> "stdout:\n" + outErr[0] + "\nstderr:\n" + outErr[1]);
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < cases.size(); n++) {
            Object[] c = cases.get(n);
            String[] secret = StdioSplitApp.SECRETS[(int) c[1]];
            String console = ((String) c[0]).contains("err") ? outErr[1] : outErr[0];
            if (!console.contains("case " + n + " [" + secret[1] + "] end\n")) failures.add(c[0] + "/" + c[1] + "/cut " + c[2]);
        }
        for (String[] secret : StdioSplitApp.SECRETS) {
            if (all.contains(secret[0])) failures.add("a secret leaked: " + secret[1]);
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + cases.size() + " failed: " + failures);
    }

    private static String[] javaagent(Path jdk, String agentArgs) throws Exception {
        ChildJvm.Result r = ChildJvm.on(jdk).env("SPLIT_SECRET", StdioSplitApp.VALUE)
                .jvmArgs("-javaagent:" + ChildJvm.AGENT_JAR + "=" + agentArgs).main(StdioSplitApp.class);
        assertEquals(0, r.exit, r::toString);
        return new String[] {r.out, r.err};
    }

    /** Starts the application without the agent, attaches it once the streams are open, then lets it print. */
    private static String[] attached(Path jdk, String agentArgs) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Jdks.javaBinary(jdk).toString(), "-cp", ChildJvm.applicationClassPath(),
                StdioSplitApp.class.getName(), "wait");
        pb.environment().keySet().removeIf(k -> k.startsWith("VEIL_") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("SPLIT_SECRET", StdioSplitApp.VALUE);
        Process p = pb.start();
        try {
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            ChildJvm.Result attach = ChildJvm.on(jdk).cli("attach", Long.toString(p.pid()), agentArgs);
            assertEquals(0, attach.exit, attach::toString);
            try (OutputStream in = p.getOutputStream()) {
                in.write('\n');
            }
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the application did not finish");
            assertEquals(0, p.exitValue(), err::join);
            return new String[] {rest.join(), err.join()};
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
