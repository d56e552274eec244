package dev.veil.it.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar veil-agent.jar demo} end to end: it passes only when the JDK HttpClient instrumentation injects
 * the key for the API and blocks the placeholder bound for the attacker's server.
 */
class DemoTest {
    static Stream<Path> jdks() { return Jdks.all().stream(); }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void theDemoShowsInjectionBlockingAndAVerifiedAuditTrail(Path jdk) throws Exception {
        ChildJvm.Result r = ChildJvm.on(jdk).cli("demo");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("app | veil: rules "), r.toString());
        assertTrue(r.out.contains("with Authorization: Bearer veil:demo"), r.toString());
        assertTrue(r.out.contains("agent: the API answered 200: "), r.toString());
        assertTrue(r.out.contains("agent: the request was blocked: "), r.toString());
        assertTrue(r.out.contains("\"event\":\"inject\""), r.toString());
        assertTrue(r.out.contains("\"event\":\"deny\""), r.toString());
        assertTrue(r.out.contains("veil audit verify: ") && r.out.contains(": ok, "), r.toString());
        assertTrue(r.out.contains("Veil behaved as promised."), r.toString());
        assertTrue(!r.out.contains("FAILED") && !r.out.contains("<THE REAL KEY>"), r.toString());
    }
}
