package dev.veil.it.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exception messages come back scrubbed however the application reads them, on every test JDK. */
class ThrowableScrubTest {
    @TempDir Path tmp;

    static Stream<Path> jdks() { return Jdks.all().stream(); }

    @ParameterizedTest(name = "JDK {0}")
    @MethodSource("jdks")
    void everyReadingOfAnExceptionIsScrubbed(Path jdk) throws Exception {
        ChildJvm.Result r = ChildJvm.on(jdk).jvmArgs("-Duser.home=" + tmp, "-javaagent:" + ChildJvm.AGENT_JAR).main(ThrowableApp.class);
        assertEquals(0, r.exit, r::toString);
        assertFalse(r.out.contains(ThrowableApp.KEY) || r.err.contains(ThrowableApp.KEY), "the key leaked");
        assertFalse(r.out.contains("Hunter2xyz"), "the JDBC password leaked");
        Map<String, List<String>> byCase = r.out.lines().filter(l -> l.contains("|"))
                .collect(Collectors.groupingBy(l -> l.substring(0, l.indexOf('|'))));
        Map<String, String> marker = Map.of("io", "token [REDACTED:openai-api-key]",
                "override", "https://u:[REDACTED:url-credentials]@files.example.com/x",
                "sql", "password=[REDACTED:jdbc-password]",
                "jackson", "[REDACTED:openai-api-key]",
                "chain", "cause [REDACTED:openai-api-key]");
        for (Map.Entry<String, String> e : marker.entrySet()) {
            for (String line : byCase.get(e.getKey())) {
                if (e.getKey().equals("chain") && !line.contains("|printStackTrace|")) continue; // the outer message is clean
                assertTrue(line.contains(e.getValue()), line);
            }
        }
        assertTrue(byCase.get("chain").stream().anyMatch(l -> l.contains("Suppressed: java.lang.IllegalArgumentException: suppressed [REDACTED:openai-api-key]")));
        assertTrue(byCase.get("helpful-npe").get(0).contains("because \"<local1>\" is null")
                || byCase.get("helpful-npe").get(0).contains("because \"none\" is null"), "helpful NPE message kept");
        assertTrue(r.err.contains("Caused by: java.lang.IllegalStateException: cause [REDACTED:openai-api-key]"), r.err);
    }
}
