package dev.veil.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.apps.BuildsHttpClient;
import dev.veil.it.apps.Hello;
import dev.veil.it.apps.TriesJdkInternals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real agent jar on a real child JVM: it loads the rules, says so in one line, and never stops the application. */
class AgentStartupTest {
    @TempDir Path tmp;

    static Stream<Path> jdks() { return Jdks.all().stream(); }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void loadsRulesAndPrintsOneStatusLine(Path jdk) throws Exception {
        Path rules = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=demo-agent")
                .main(Hello.class);
        assertEquals(0, r.exit, r.toString());
        assertEquals("hello from the application\n", r.out, r.toString());
        assertEquals(1, r.err.lines().filter(l -> l.startsWith("veil:")).count(), r.toString());
        assertTrue(r.err.contains("veil: rules " + rules + " loaded"), r.toString());
        assertTrue(r.err.contains("agent demo-agent"), r.toString());
        // The bridge is defined in the bootstrap loader, not appended to its path: the JVM keeps class data
        // sharing for every loader and prints no warning of its own.
        assertFalse(r.err.contains("Sharing is only supported") || r.out.contains("Sharing is only supported"), r.toString());
    }

    /** Veil's own way into the bootstrap loader opens nothing of the JDK to the application. */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void applicationGainsNoAccessToJdkInternals(Path jdk) throws Exception {
        Path rules = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=demo-agent")
                .main(TriesJdkInternals.class);
        assertEquals("internal Unsafe closed\n", r.out, r.toString());
    }

    /** Start-up cost: a JVM that never uses an instrumented library never loads Byte Buddy (about a thousand classes). */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void byteBuddyLoadsOnlyOnceAnInstrumentedLibraryDoes(Path jdk) throws Exception {
        Path rules = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
        String agent = "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=demo-agent";
        Path helloClasses = tmp.resolve("hello-classes.log");
        ChildJvm.Result hello = ChildJvm.on(jdk)
                .jvmArgs("-Duser.home=" + tmp, "-Xlog:class+load=info:file=" + helloClasses, agent)
                .main(Hello.class);
        assertEquals("hello from the application\n", hello.out, hello.toString());
        String helloLoaded = Files.readString(helloClasses);
        assertTrue(helloLoaded.contains("dev.veil.agent.instrumentation.VeilTransformer"), "the agent ran");
        assertFalse(helloLoaded.contains("dev.veil.shaded.bytebuddy.agent.builder.AgentBuilder"), "Byte Buddy stayed unloaded");

        Path clientClasses = tmp.resolve("client-classes.log");
        ChildJvm.Result client = ChildJvm.on(jdk)
                .jvmArgs("-Duser.home=" + tmp, "-Xlog:class+load=info:file=" + clientClasses, agent)
                .main(BuildsHttpClient.class);
        assertEquals("client HTTP_2\n", client.out, client.toString());
        assertTrue(Files.readString(clientClasses).contains("dev.veil.shaded.bytebuddy.agent.builder.AgentBuilder"),
                "Byte Buddy loaded for the JDK HttpClient");
        assertFalse(client.err.contains("failed"), client.toString());
    }

    /**
     * Start-up cost: what only a credential's first use needs (the audit log and its JSON codec and time formatting,
     * the vault and SecureRandom, the process id) is not created at start-up.
     */
    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void startUpLeavesAuditLogAndVaultForTheirFirstUse(Path jdk) throws Exception {
        Path rules = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
        Path classes = tmp.resolve("classes.log");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-Duser.home=" + tmp, "-Xlog:class+load=info:file=" + classes,
                        "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=demo-agent")
                .main(Hello.class);
        assertEquals("hello from the application\n", r.out, r.toString());
        assertTrue(r.err.contains("1 credential(s)"), r.toString());
        String loaded = Files.readString(classes);
        for (String c : List.of("dev.veil.audit.AuditLog ", "dev.veil.audit.AuditCodec ", "dev.veil.store.Vault$Entropy ",
                "java.security.SecureRandom ", "java.time.format.DateTimeFormatter ", "java.lang.ProcessHandleImpl ")) {
            assertFalse(loaded.contains(c), c + "loaded at start-up");
        }
        assertFalse(Files.exists(tmp.resolve(".veil")), "nothing created under ~/.veil");
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void brokenRulesAreReportedWithPositionAndTheApplicationRuns(Path jdk) throws Exception {
        Path rules = tmp.resolve("broken.yaml");
        Files.writeString(rules, "version: 1\ncredentials:\n  openai:\n    source: local/openai\n    tll: 5m\n");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules)
                .main(Hello.class);
        assertEquals(0, r.exit, r.toString());
        assertEquals("hello from the application\n", r.out, r.toString());
        assertTrue(r.err.contains(rules + ":5:5: "), r.toString());
        assertTrue(r.err.contains("did you mean 'ttl'"), r.toString());
        assertTrue(r.err.contains("scrub-only mode"), r.toString());
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void settingsComeFromSystemPropertiesAndEnvironmentWhenArgumentsAreAbsent(Path jdk) throws Exception {
        Path rules = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
        ChildJvm.Result r = ChildJvm.on(jdk)
                .env("VEIL_RULES", rules.toString())
                .env("VEIL_AGENT", "from-env")
                .jvmArgs("-Duser.home=" + tmp, "-Dveil.agent=from-property", "-javaagent:" + ChildJvm.AGENT_JAR)
                .main(Hello.class);
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.err.contains("veil: rules " + rules + " loaded"), r.toString());
        assertTrue(r.err.contains("agent from-property"), r.toString());
    }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void withoutRulesItRunsScrubOnlyWithOneNotice(Path jdk) throws Exception {
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR)
                .main(Hello.class);
        assertEquals(0, r.exit, r.toString());
        assertEquals("hello from the application\n", r.out, r.toString());
        assertEquals(1, r.err.lines().filter(l -> l.startsWith("veil:")).count(), r.toString());
        assertTrue(r.err.contains("scrub-only mode"), r.toString());
    }
}
