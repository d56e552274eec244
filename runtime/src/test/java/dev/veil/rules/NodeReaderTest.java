package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The YAML side of the reader: scalars typed as YAML 1.1 types them, positions, and what it refuses. */
class NodeReaderTest {
    private static Node read(String text, List<Problem> problems) {
        return NodeReader.read("n.yaml", text, Map.of("HOST", "h.example"), problems);
    }

    private static List<String> problems(String text) {
        List<Problem> problems = new ArrayList<>();
        read(text, problems);
        return problems.stream().map(Problem::toString).collect(Collectors.toList());
    }

    @Test
    void plainScalarsAreTypedQuotedOnesAreStrings() {
        List<Problem> problems = new ArrayList<>();
        Node root = read("a: 1_000\nb: 0x1F\nc: -017\nd: 1:30\ne: no\nf: On\ng: ~\nh:\ni: 1.5\n"
                + "j: '1'\nk: !!str 2\nl: \"true\"\nm: 2026-01-01\nn: https://${HOST}/x\n", problems);
        assertEquals(List.of(), problems);
        Map<String, String> typed = new LinkedHashMap<>();
        root.fields.forEach((k, f) -> typed.put(k, f.value.kind + " " + f.value.text));
        assertEquals(Map.ofEntries(
                Map.entry("a", "INTEGER 1000"), Map.entry("b", "INTEGER 31"), Map.entry("c", "INTEGER -15"),
                Map.entry("d", "INTEGER 90"), Map.entry("e", "BOOLEAN false"), Map.entry("f", "BOOLEAN true"),
                Map.entry("g", "NULL null"), Map.entry("h", "NULL null"), Map.entry("i", "NUMBER 1.5"),
                Map.entry("j", "STRING 1"), Map.entry("k", "STRING 2"), Map.entry("l", "STRING true"),
                Map.entry("m", "STRING 2026-01-01"), Map.entry("n", "STRING https://h.example/x")), typed);
        Node n = root.field("n").value;
        assertEquals("https://${HOST}/x", n.raw);
        assertEquals(14, n.line);
        assertEquals(4, n.column);
        assertEquals(14, root.field("n").line);
        assertEquals(1, root.field("n").column);
    }

    @Test
    void integersOfEveryYaml11Form() {
        assertEquals(BigInteger.valueOf(5), NodeReader.yamlInteger("0b101"));
        assertEquals(BigInteger.valueOf(8), NodeReader.yamlInteger("0o10"));
        assertEquals(BigInteger.ZERO, NodeReader.yamlInteger("0"));
        assertEquals(new BigInteger("123456789012345678901234567890"), NodeReader.yamlInteger("+123456789012345678901234567890"));
        assertNull(NodeReader.yamlInteger("0x"));
    }

    @Test
    void refusesWhatRulesCannotHold() {
        assertEquals(List.of("n.yaml:1:3: a key must be a single value, not a list"), problems("? [a, b]\n: 1\n"));
        assertEquals(List.of("n.yaml:2:1: duplicate key 'a' (first at line 1, column 1)"), problems("a: 1\na: 2\n"));
        assertEquals(List.of("n.yaml:2:4: YAML syntax error: character 0x7 is not allowed in YAML"),
                problems("a: 1\nb: \u0007\n"));
        assertEquals(List.of("n.yaml:1:1: the rules file is empty: it needs at least 'version: 1'"), problems("# nothing\n"));
    }

    @Test
    void plainTreeReadsVeilsOwnYamlAsWritten() {
        assertEquals(Map.of("detectors", List.of(Map.of("name", "x", "regex", "\\$\\{[a-z]+}", "n", 3L, "on", true))),
                PlainTree.yaml("d.yaml", "detectors:\n  - {name: x, regex: '\\$\\{[a-z]+}', n: 3, on: yes}\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlainTree.yaml("d.yaml", "a: 1\na: 2\n"));
        assertEquals("d.yaml:2:1: duplicate key 'a' (first at line 1, column 1)", e.getMessage());
    }
}
