package dev.veil.it.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exception messages come back scrubbed however the application reads them, on every test JDK. */
class ThrowableScrubTest {
    private static final String TRACES = "printStackTrace printStackTraceStream";
    private static final String ALL = "getMessage getLocalizedMessage toString " + TRACES;
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
        String key = "[REDACTED:openai-api-key]";
        // Per case: the marker, and the readings that must show it (the others carry no secret to begin with).
        Map<String, List<String>> expected = Map.ofEntries(
                Map.entry("io", List.of("token " + key, ALL)),
                Map.entry("override", List.of("https://u:[REDACTED:url-credentials]@files.example.com/x", ALL)),
                Map.entry("sql", List.of("password=[REDACTED:jdbc-password]", ALL)),
                Map.entry("jackson", List.of(key, ALL)),
                Map.entry("jackson-parse", List.of(key, ALL)),
                Map.entry("chain", List.of("cause " + key, TRACES)),
                Map.entry("frames", List.of("at com.example.Upload.send(" + key + ".java:7)", TRACES)),
                Map.entry("cycle", List.of("cycle a " + key, ALL)),
                Map.entry("localized", List.of("localized " + key, "getLocalizedMessage toString " + TRACES)),
                Map.entry("tostring", List.of("DescribedException[" + key + "]", "toString " + TRACES)));
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            List<String> lines = byCase.get(e.getKey());
            assertEquals(5, lines.size(), e.getKey());
            for (String line : lines) {
                String method = line.split("\\|")[1];
                if (Set.of(e.getValue().get(1).split(" ")).contains(method)) {
                    assertTrue(line.contains(e.getValue().get(0)), line);
                }
            }
        }
        for (String trace : List.of("printStackTrace", "printStackTraceStream")) {
            String cycle = byCase.get("cycle").stream().filter(l -> l.startsWith("cycle|" + trace + "|")).findFirst().orElseThrow();
            assertTrue(cycle.contains("[CIRCULAR REFERENCE: java.lang.RuntimeException: cycle a " + key + "]"), cycle);
            assertTrue(cycle.contains("Suppressed: java.lang.IllegalArgumentException: suppressed in cycle " + key), cycle);
        }
        assertTrue(byCase.get("chain").stream().anyMatch(l -> l.contains("Suppressed: java.lang.IllegalArgumentException: suppressed [REDACTED:openai-api-key]")));
        assertTrue(byCase.get("helpful-npe").get(0).contains("because \"<local1>\" is null")
                || byCase.get("helpful-npe").get(0).contains("because \"none\" is null"), "helpful NPE message kept");
        assertTrue(r.err.contains("Caused by: java.lang.IllegalStateException: cause [REDACTED:openai-api-key]"), r.err);
        assertTrue(r.err.contains("[CIRCULAR REFERENCE: java.lang.RuntimeException: cycle a [REDACTED:openai-api-key]]"), r.err);
    }
}
