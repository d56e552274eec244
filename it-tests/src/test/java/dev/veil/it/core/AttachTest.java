package dev.veil.it.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import dev.veil.it.apps.Waiting;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code veil attach <pid>}: the agent starts in a running JVM once, and impossible attaches fail clearly. */
class AttachTest {
    @TempDir Path tmp;

    static Stream<Path> jdks() { return Jdks.all().stream(); }

    /**
     * A running child JVM of an application class that prints "ready", waits for a line on stdin, then prints
     * "done" ({@link Waiting}, or one given); closing it ends it.
     */
    static final class Running implements AutoCloseable {
        final Process process;
        final CompletableFuture<String> err;
        final BufferedReader out;
        /** What the application printed, but "ready" and "done". */
        final List<String> lines = new ArrayList<>();

        Running(Path jdk, String... jvmArgs) throws Exception {
            this(jdk, ChildJvm.applicationClassPath(), Waiting.class, Map.of(), List.of(jvmArgs));
        }

        Running(Path jdk, String classPath, Class<?> main, Map<String, String> env, List<String> jvmArgs, String... appArgs) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Jdks.javaBinary(jdk).toString()));
            cmd.addAll(jvmArgs);
            cmd.addAll(List.of("-cp", classPath, main.getName()));
            cmd.addAll(List.of(appArgs));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().keySet().removeIf(k -> k.startsWith("VEIL_") || k.equals("JAVA_TOOL_OPTIONS"));
            pb.environment().putAll(env);
            process = pb.start();
            err = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) lines.add(line);
            assertEquals("ready", line, "the application did not get ready: " + lines + "\n" + (process.isAlive() ? "" : err.get()));
        }

        long pid() { return process.pid(); }

        /** Lets the application finish and returns its stderr. */
        String finish() throws Exception {
            try (OutputStream in = process.getOutputStream()) {
                in.write('\n');
            }
            String line;
            while ((line = out.readLine()) != null && !line.equals("done")) lines.add(line);
            assertEquals("done", line, () -> lines + "\n" + (process.isAlive() ? "" : err.join()));
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
            return err.get();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void attachStartsTheAgentOnceAndTheApplicationCarriesOn(Path jdk) throws Exception {
        Path rules = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
        try (Running app = new Running(jdk, "-Duser.home=" + tmp)) {
            ChildJvm.Result first = ChildJvm.on(jdk).cli("attach", Long.toString(app.pid()), "rules=" + rules + ",agent=attached-agent");
            assertEquals(0, first.exit, first.toString());
            assertTrue(first.out.contains("veil: loaded into JVM " + app.pid()), first.toString());
            assertEquals(Jdks.major(jdk) >= 21, first.out.contains("JEP 451"), first.toString());
            ChildJvm.Result second = ChildJvm.on(jdk).cli("attach", Long.toString(app.pid()));
            assertEquals(0, second.exit, second.toString());

            String err = app.finish();
            assertTrue(err.contains("veil: rules " + rules + " loaded: 1 credential(s), 1 store(s); agent attached-agent"), err);
            assertEquals(1, err.lines().filter(l -> l.startsWith("veil: rules")).count(), err);
            assertTrue(err.contains("veil: already running in this JVM; this start is ignored"), err);
            assertFalse(err.contains("could not start"), err);
            if (Jdks.major(jdk) >= 21) assertTrue(err.contains("A Java agent has been loaded dynamically"), err);
        }
    }

    @Test
    void aJvmWithoutTheAttachMechanismIsRefusedWithTheReason() throws Exception {
        try (Running app = new Running(Jdks.current(), "-XX:+DisableAttachMechanism")) {
            ChildJvm.Result r = ChildJvm.on(Jdks.current()).cli("attach", Long.toString(app.pid()));
            assertEquals(1, r.exit, r.toString());
            assertTrue(r.err.contains("cannot attach to JVM " + app.pid() + ": it was started with -XX:+DisableAttachMechanism"), r.toString());
            String err = app.finish();
            assertFalse(err.contains("veil:"), err);
        }
    }

    @Test
    void badTargetsAndArgumentsAreRefusedClearly() throws Exception {
        ChildJvm cli = ChildJvm.on(Jdks.current());
        ChildJvm.Result gone = cli.cli("attach", "2147483646");
        assertEquals(1, gone.exit, gone.toString());
        assertTrue(gone.err.contains("veil: no process with pid 2147483646"), gone.toString());

        ChildJvm.Result notJava = cli.cli("attach", "1");
        assertEquals(1, notJava.exit, notJava.toString());
        assertTrue(notJava.err.contains("process 1 is not a JVM this user can attach to"), notJava.toString());

        ChildJvm.Result notANumber = cli.cli("attach", "twelve");
        assertEquals(2, notANumber.exit, notANumber.toString());

        ChildJvm.Result badArgs = cli.cli("attach", "1", "rulez=x.yaml");
        assertEquals(2, badArgs.exit, badArgs.toString());
        assertTrue(badArgs.err.contains("bad agent argument 'rulez'"), badArgs.toString());

        ChildJvm.Result noRules = cli.cli("attach", "1", "rules=" + tmp.resolve("missing.yaml"));
        assertEquals(1, noRules.exit, noRules.toString());
        assertTrue(noRules.err.contains("no rules file " + tmp.resolve("missing.yaml")), noRules.toString());
    }
}
