package dev.veil.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML (SnakeYAML's parser events) or JSON (Jackson's streaming tokens) into {@link Node}s, so every
 * value keeps its line and column. Reports syntax errors, duplicate keys, aliases and {@code ${VAR}} problems.
 * YAML is read from SnakeYAML directly because every agent start reads a rules file, and Jackson's YAML layer
 * on top doubled the classes that costs; plain scalars are typed by SnakeYAML's YAML 1.1 resolver, as
 * Jackson typed them.
 */
final class NodeReader {
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Resolver RESOLVER = new Resolver();

    private final String origin;
    /** Values for {@code ${VAR}}; null reads strings as written. */
    private final Map<String, String> env;
    private final List<Problem> problems;

    private NodeReader(String origin, Map<String, String> env, List<Problem> problems) {
        this.origin = origin;
        this.env = env;
        this.problems = problems;
    }

    /** The document's root, or null if it could not be read (the problems say why). */
    static Node read(String origin, String text, Map<String, String> env, List<Problem> problems) {
        NodeReader reader = new NodeReader(origin, env, problems);
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return isJson(origin, text) ? Json.read(reader, body) : reader.yaml(body);
    }

    static boolean isJson(String origin, String text) {
        return origin.toLowerCase(Locale.ROOT).endsWith(".json") || text.stripLeading().startsWith("{");
    }

    private Node yaml(String text) {
        try {
            Parser p = new ParserImpl(new StreamReader(text), new LoaderOptions());
            p.getEvent(); // stream start
            if (p.checkEvent(Event.ID.StreamEnd)) {
                problem(1, 1, "the rules file is empty: it needs at least 'version: 1'");
                return null;
            }
            p.getEvent(); // document start
            Node root = yamlValue(p, p.getEvent());
            p.getEvent(); // document end
            if (!p.checkEvent(Event.ID.StreamEnd)) {
                p.getEvent(); // the next document's start; its root is where it shows
                Mark at = p.peekEvent().getStartMark();
                problem(at.getLine() + 1, at.getColumn() + 1, "only one YAML document is allowed");
                return null;
            }
            return root;
        } catch (MarkedYAMLException e) {
            yamlSyntaxError(e);
            return null;
        } catch (ReaderException e) {
            int[] at = lineAndColumn(text, e.getPosition());
            problem(at[0], at[1], "YAML syntax error: character 0x" + Integer.toHexString(e.getCodePoint())
                    + " is not allowed in YAML");
            return null;
        } catch (YAMLException e) {
            problem(1, 1, "YAML syntax error: " + e.getMessage());
            return null;
        }
    }

    private Node yamlValue(Parser p, Event e) {
        int line = e.getStartMark().getLine() + 1;
        int column = e.getStartMark().getColumn() + 1;
        switch (e.getEventId()) {
            case Alias: {
                String name = "*" + ((AliasEvent) e).getAnchor();
                problem(line, column, "YAML aliases (" + name + ") are not supported: write the value out");
                return broken(line, column, name);
            }
            case MappingStart: {
                Node map = Node.map(line, column);
                while (!p.checkEvent(Event.ID.MappingEnd)) {
                    Event keyEvent = p.getEvent();
                    int keyLine = keyEvent.getStartMark().getLine() + 1;
                    int keyColumn = keyEvent.getStartMark().getColumn() + 1;
                    String key = keyEvent instanceof ScalarEvent ? ((ScalarEvent) keyEvent).getValue() : null;
                    if (key == null) {
                        Node complex = yamlValue(p, keyEvent);
                        if (complex.kind == Node.Kind.MAP || complex.kind == Node.Kind.LIST) {
                            problem(keyLine, keyColumn, "a key must be a single value, not " + complex.kind.description);
                        }
                    }
                    Node v = yamlValue(p, p.getEvent());
                    if (key != null) field(map, key, keyLine, keyColumn, v);
                }
                p.getEvent();
                return map;
            }
            case SequenceStart: {
                Node list = Node.list(line, column);
                while (!p.checkEvent(Event.ID.SequenceEnd)) list.items.add(yamlValue(p, p.getEvent()));
                p.getEvent();
                return list;
            }
            default:
                return scalar(line, column, (ScalarEvent) e);
        }
    }

    /** A scalar typed as YAML 1.1 types it: plain {@code 1}, {@code true}, {@code no}, {@code ~} are not strings. */
    private Node scalar(int line, int column, ScalarEvent e) {
        String raw = e.getValue();
        String explicit = e.getTag();
        Tag tag = explicit == null || explicit.equals("!")
                ? RESOLVER.resolve(NodeId.scalar, raw, e.getImplicit().canOmitTagInPlainScalar())
                : new Tag(explicit);
        if (tag.equals(Tag.BOOL)) {
            String lower = raw.toLowerCase(Locale.ROOT);
            boolean value = lower.equals("true") || lower.equals("yes") || lower.equals("on");
            return Node.scalar(Node.Kind.BOOLEAN, line, column, raw, String.valueOf(value), Collections.emptyMap());
        }
        if (tag.equals(Tag.INT)) {
            BigInteger value = yamlInteger(raw);
            if (value != null) return Node.scalar(Node.Kind.INTEGER, line, column, raw, value.toString(), Collections.emptyMap());
        }
        if (tag.equals(Tag.FLOAT)) return Node.scalar(Node.Kind.NUMBER, line, column, raw, raw, Collections.emptyMap());
        if (tag.equals(Tag.NULL)) return Node.scalar(Node.Kind.NULL, line, column, raw, null, Collections.emptyMap());
        return string(line, column, raw);
    }

    /** A YAML 1.1 integer ({@code 1_000}, {@code 0x1F}, {@code 0b101}, {@code 017}, {@code 1:30}), or null. */
    static BigInteger yamlInteger(String raw) {
        String s = raw.replace("_", "");
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) s = s.substring(1);
        try {
            BigInteger value;
            if (s.contains(":")) {
                value = BigInteger.ZERO;
                for (String part : s.split(":")) value = value.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
            } else if (s.startsWith("0x")) {
                value = new BigInteger(s.substring(2), 16);
            } else if (s.startsWith("0b")) {
                value = new BigInteger(s.substring(2), 2);
            } else if (s.startsWith("0o")) {
                value = new BigInteger(s.substring(2), 8);
            } else if (s.length() > 1 && s.startsWith("0")) {
                value = new BigInteger(s.substring(1), 8);
            } else {
                value = new BigInteger(s);
            }
            return negative ? value.negate() : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void field(Node map, String key, int line, int column, Node value) {
        Node.Field first = map.fields.get(key);
        if (first != null) {
            problem(line, column, "duplicate key '" + key + "' (first at line " + first.line + ", column " + first.column + ")");
        } else {
            map.fields.put(key, new Node.Field(key, line, column, value));
        }
    }

    private void yamlSyntaxError(MarkedYAMLException y) {
        Mark mark = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
        Mark context = y.getContextMark();
        String message = "YAML syntax error: " + (y.getProblem() != null ? y.getProblem() : y.getContext());
        if (y.getProblem() != null && y.getContext() != null && context != null) {
            message += " (" + y.getContext() + " at line " + (context.getLine() + 1) + ", column " + (context.getColumn() + 1) + ")";
        }
        problem(mark == null ? 1 : mark.getLine() + 1, mark == null ? 1 : mark.getColumn() + 1, message);
    }

    /** 1-based line and column of the {@code codePoint}-th code point of {@code text}. */
    private static int[] lineAndColumn(String text, int codePoint) {
        int line = 1;
        int column = 1;
        int i = 0;
        for (int n = 0; n < codePoint && i < text.length(); n++) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }

    /** JSON through Jackson's streaming parser; apart, so that a YAML start never loads Jackson's classes. */
    private static final class Json {
        private static final JsonFactory FACTORY = new JsonFactory();

        static Node read(NodeReader r, String text) {
            try (JsonParser p = FACTORY.createParser(text)) {
                JsonToken first = p.nextToken();
                if (first == null) {
                    r.problem(1, 1, "the rules file is empty: it needs at least 'version: 1'");
                    return null;
                }
                Node root = value(r, p, first);
                if (p.nextToken() != null) {
                    JsonLocation at = p.currentTokenLocation();
                    r.problem(at.getLineNr(), at.getColumnNr(), "unexpected content after the end of the rules");
                    return null;
                }
                return root;
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                int line = at == null ? 1 : Math.max(1, at.getLineNr());
                int column = at == null ? 1 : Math.max(1, at.getColumnNr());
                r.problem(line, column, "JSON syntax error: " + e.getOriginalMessage());
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e); // reading from a String cannot fail
            }
        }

        private static Node value(NodeReader r, JsonParser p, JsonToken token) throws IOException {
            JsonLocation at = p.currentTokenLocation();
            int line = at.getLineNr();
            int column = at.getColumnNr();
            switch (token) {
                case START_OBJECT: {
                    Node map = Node.map(line, column);
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                        JsonLocation keyAt = p.currentTokenLocation();
                        String key = p.currentName();
                        r.field(map, key, keyAt.getLineNr(), keyAt.getColumnNr(), value(r, p, p.nextToken()));
                    }
                    return map;
                }
                case START_ARRAY: {
                    Node list = Node.list(line, column);
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) list.items.add(value(r, p, t));
                    return list;
                }
                case VALUE_STRING:
                    return r.string(line, column, p.getText());
                case VALUE_NUMBER_INT:
                    return Node.scalar(Node.Kind.INTEGER, line, column, p.getText(), p.getBigIntegerValue().toString(), Collections.emptyMap());
                case VALUE_NUMBER_FLOAT:
                    return Node.scalar(Node.Kind.NUMBER, line, column, p.getText(), p.getText(), Collections.emptyMap());
                case VALUE_TRUE:
                case VALUE_FALSE:
                    return Node.scalar(Node.Kind.BOOLEAN, line, column, p.getText(),
                            String.valueOf(token == JsonToken.VALUE_TRUE), Collections.emptyMap());
                default:
                    return Node.scalar(Node.Kind.NULL, line, column, p.getText(), null, Collections.emptyMap());
            }
        }
    }

    /** A value already reported as a problem; the loader passes over it without further complaint. */
    private static Node broken(int line, int column, String raw) {
        return Node.scalar(Node.Kind.STRING, line, column, raw, null, Collections.emptyMap());
    }

    /** Expands {@code ${VAR}}; {@code $${} is a literal {@code ${}. Messages quote only the raw text. */
    private Node string(int line, int column, String raw) {
        if (env == null) return Node.scalar(Node.Kind.STRING, line, column, raw, raw, Collections.emptyMap());
        StringBuilder out = new StringBuilder(raw.length());
        Map<String, String> substituted = new LinkedHashMap<>();
        boolean failed = false;
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (raw.startsWith("${", i)) {
                int end = raw.indexOf('}', i + 2);
                if (end < 0) {
                    problem(line, column, "unterminated '${' in '" + raw + "' (write '$${' for a literal '${')");
                    failed = true;
                    break;
                }
                String name = raw.substring(i + 2, end);
                String value = VARIABLE.matcher(name).matches() ? env.get(name) : null;
                if (!VARIABLE.matcher(name).matches()) {
                    problem(line, column, "bad environment variable name '" + name
                            + "': use letters, digits and '_', not starting with a digit");
                    failed = true;
                } else if (value == null) {
                    problem(line, column, "environment variable '" + name + "' is not set");
                    failed = true;
                } else {
                    out.append(value);
                    substituted.put(name, value);
                }
                i = end + 1;
            } else {
                out.append(raw.charAt(i++));
            }
        }
        return Node.scalar(Node.Kind.STRING, line, column, raw, failed ? null : out.toString(), substituted);
    }

    private void problem(int line, int column, String message) {
        problems.add(new Problem(origin, line, column, message));
    }
}
