package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RulesCorpusTest {
    static List<Path> good() { return RulesCorpus.good(); }

    static List<Path> examples() { return RulesCorpus.examples(); }

    static List<RulesCorpus.BadFile> bad() { return RulesCorpus.bad(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void goodFileLoads(Path file) throws Exception {
        assertNotNull(RulesLoader.parse(file.toString(), Files.readString(file), RulesCorpus.ENV));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleLoads(Path file) throws Exception {
        Rules rules = RulesLoader.parse(file.toString(), Files.readString(file), RulesCorpus.ENV);
        assertFalse(rules.credentials().isEmpty(), "an example shows at least one credential");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void badFileReportsExactlyItsProblems(RulesCorpus.BadFile bad) throws Exception {
        String name = bad.file.getFileName().toString();
        RulesException e = assertThrows(RulesException.class,
                () -> RulesLoader.parse(name, Files.readString(bad.file), RulesCorpus.ENV));
        List<String> actual = e.problems().stream()
                .map(p -> p.line() + ":" + p.column() + ": " + p.message())
                .collect(Collectors.toList());
        assertEquals(bad.problems, actual);
        for (Problem p : e.problems()) {
            assertEquals(name, p.file());
            assertTrue(p.toString().startsWith(name + ":" + p.line() + ":" + p.column() + ": "));
            assertFalse(p.message().contains(RulesCorpus.ENV.get("VEIL_SECRET")), "a variable's value leaked: " + p);
        }
        assertEquals(String.join("\n", e.problems().stream().map(Problem::toString).collect(Collectors.toList())), e.getMessage());
    }

    @Test
    void corpusCoversEnoughErrorKinds() {
        assertTrue(bad().size() >= 25, "at least 25 bad files");
        assertTrue(bad().stream().anyMatch(b -> b.schema == RulesCorpus.SchemaVerdict.ACCEPT));
    }
}
