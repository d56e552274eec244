package dev.veil.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed YAML or JSON value with the position it was written at; the loader's own small tree. */
final class Node {
    enum Kind {
        MAP("a map"), LIST("a list"), STRING("a string"), INTEGER("an integer"), NUMBER("a number"),
        BOOLEAN("a boolean"), NULL("nothing");

        final String description;

        Kind(String description) { this.description = description; }
    }

    /** One key of a map, with the key's own position. */
    static final class Field {
        final String key;
        final int line;
        final int column;
        final Node value;

        Field(String key, int line, int column, Node value) {
            this.key = key;
            this.line = line;
            this.column = column;
            this.value = value;
        }
    }

    final Kind kind;
    final int line;
    final int column;
    /** A scalar as written, before {@code ${VAR}} expansion; the only form that may appear in messages. */
    final String raw;
    /** A scalar after expansion; null for a string already reported as a problem (failed expansion, alias). */
    final String text;
    /** Variables substituted into {@link #text}, name to value, so messages can hide their values. */
    final Map<String, String> substituted;
    final Map<String, Field> fields;
    final List<Node> items;

    private Node(Kind kind, int line, int column, String raw, String text, Map<String, String> substituted,
                 Map<String, Field> fields, List<Node> items) {
        this.kind = kind;
        this.line = line;
        this.column = column;
        this.raw = raw;
        this.text = text;
        this.substituted = substituted;
        this.fields = fields;
        this.items = items;
    }

    static Node scalar(Kind kind, int line, int column, String raw, String text, Map<String, String> substituted) {
        return new Node(kind, line, column, raw, text, substituted, Collections.emptyMap(), Collections.emptyList());
    }

    static Node map(int line, int column) {
        return new Node(Kind.MAP, line, column, null, null, Collections.emptyMap(), new LinkedHashMap<>(), Collections.emptyList());
    }

    static Node list(int line, int column) {
        return new Node(Kind.LIST, line, column, null, null, Collections.emptyMap(), Collections.emptyMap(), new ArrayList<>());
    }

    Field field(String key) { return fields.get(key); }

    /**
     * Rewrites a message that may quote this scalar's expanded text: every substituted value becomes
     * its {@code ${NAME}} again, because an environment variable may hold a secret.
     */
    String hideExpansion(String message) {
        List<Map.Entry<String, String>> vars = new ArrayList<>(substituted.entrySet());
        vars.sort((a, b) -> b.getValue().length() - a.getValue().length()); // longest first: no partial leftovers
        String m = message;
        for (Map.Entry<String, String> e : vars) {
            if (!e.getValue().isEmpty()) m = m.replace(e.getValue(), "${" + e.getKey() + "}");
        }
        return m;
    }
}
