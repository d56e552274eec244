package dev.veil.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The rules test corpus: good files that must load, and bad files each with a sidecar
 * {@code .expected}: a first line {@code # schema: reject|accept|unreadable} (what the JSON Schema
 * makes of it: rejects it, accepts it because the error is beyond a schema, or cannot read it),
 * then every problem as {@code line:column: message}, in order.
 */
final class RulesCorpus {
    static final Path ROOT = Path.of("src/test/resources/rules-corpus");
    static final Path EXAMPLES = Path.of("../rules/examples");
    static final Path SCHEMA = Path.of("../rules/schema/rules.schema.json");
    /** The environment every corpus file is loaded with. VEIL_SECRET must never show up in a message. */
    static final Map<String, String> ENV = Map.of(
            "TEAM_STORE", "team",
            "API_HOST", "api.example.com",
            "TEAM_CMD_ARG", "--quiet",
            "AUDIT_DIR", "/tmp/veil-audit",
            "VEIL_SECRET", "sk-live-0123456789abcdef");

    enum SchemaVerdict { REJECT, ACCEPT, UNREADABLE }

    static final class BadFile {
        final Path file;
        final SchemaVerdict schema;
        final List<String> problems;

        BadFile(Path file, SchemaVerdict schema, List<String> problems) {
            this.file = file;
            this.schema = schema;
            this.problems = problems;
        }

        @Override public String toString() { return file.getFileName().toString(); }
    }

    private RulesCorpus() {}

    static List<Path> good() { return files(ROOT.resolve("good")); }

    static List<Path> examples() { return files(EXAMPLES); }

    static List<BadFile> bad() {
        return files(ROOT.resolve("bad")).stream().map(RulesCorpus::badFile).collect(Collectors.toList());
    }

    private static BadFile badFile(Path file) {
        String name = file.getFileName().toString();
        Path expected = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".expected");
        List<String> lines = read(expected);
        String header = lines.get(0);
        if (!header.startsWith("# schema: ")) throw new IllegalStateException(expected + ": first line must be '# schema: ...'");
        SchemaVerdict verdict = SchemaVerdict.valueOf(header.substring("# schema: ".length()).trim().toUpperCase());
        return new BadFile(file, verdict, lines.subList(1, lines.size()));
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> !p.toString().endsWith(".expected")).sorted().collect(Collectors.toList());
            if (files.isEmpty()) throw new IllegalStateException("no files in " + dir.toAbsolutePath());
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
