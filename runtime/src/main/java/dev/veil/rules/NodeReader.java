package dev.veil.rules;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON into {@link Node}s from Jackson's streaming tokens, so every value keeps its
 * line and column. Reports syntax errors, duplicate keys, aliases and {@code ${VAR}} problems.
 */
final class NodeReader {
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();

    private final String origin;
    private final Map<String, String> env;
    private final List<Problem> problems;

    private NodeReader(String origin, Map<String, String> env, List<Problem> problems) {
        this.origin = origin;
        this.env = env;
        this.problems = problems;
    }

    /** The document's root, or null if it could not be read (the problems say why). */
    static Node read(String origin, String text, Map<String, String> env, List<Problem> problems) {
        return new NodeReader(origin, env, problems).read(text);
    }

    static boolean isJson(String origin, String text) {
        return origin.toLowerCase(Locale.ROOT).endsWith(".json") || text.stripLeading().startsWith("{");
    }

    private Node read(String text) {
        boolean json = isJson(origin, text);
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try (JsonParser p = json ? JSON.createParser(body) : YAML.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                problem(1, 1, "the rules file is empty: it needs at least 'version: 1'");
                return null;
            }
            Node root = value(p, first);
            if (p.nextToken() != null) {
                JsonLocation at = p.currentTokenLocation();
                problem(at.getLineNr(), at.getColumnNr(), json
                        ? "unexpected content after the end of the rules"
                        : "only one YAML document is allowed");
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            syntaxError(e, json);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String cannot fail
        }
    }

    private Node value(JsonParser p, JsonToken token) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (p instanceof YAMLParser && ((YAMLParser) p).isCurrentAlias()) {
            problem(line, column, "YAML aliases (*" + p.getText() + ") are not supported: write the value out");
            return broken(line, column, "*" + p.getText());
        }
        switch (token) {
            case START_OBJECT: {
                Node map = Node.map(line, column);
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    JsonLocation keyAt = p.currentTokenLocation();
                    String key = p.currentName();
                    Node v = value(p, p.nextToken());
                    Node.Field first = map.fields.get(key);
                    if (first != null) {
                        problem(keyAt.getLineNr(), keyAt.getColumnNr(), "duplicate key '" + key
                                + "' (first at line " + first.line + ", column " + first.column + ")");
                    } else {
                        map.fields.put(key, new Node.Field(key, keyAt.getLineNr(), keyAt.getColumnNr(), v));
                    }
                }
                return map;
            }
            case START_ARRAY: {
                Node list = Node.list(line, column);
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    list.items.add(value(p, t));
                }
                return list;
            }
            case VALUE_STRING:
                return string(line, column, p.getText());
            case VALUE_NUMBER_INT:
                return Node.scalar(Node.Kind.INTEGER, line, column, p.getText(), p.getBigIntegerValue().toString(), Collections.emptyMap());
            case VALUE_NUMBER_FLOAT:
                return Node.scalar(Node.Kind.NUMBER, line, column, p.getText(), p.getText(), Collections.emptyMap());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return Node.scalar(Node.Kind.BOOLEAN, line, column, p.getText(),
                        String.valueOf(token == JsonToken.VALUE_TRUE), Collections.emptyMap());
            case VALUE_NULL:
                return Node.scalar(Node.Kind.NULL, line, column, p.getText(), null, Collections.emptyMap());
            default:
                // Embedded objects and other exotic tokens cannot come from YAML or JSON text.
                problem(line, column, "unsupported value");
                return broken(line, column, p.getText());
        }
    }

    /** A value already reported as a problem; the loader passes over it without further complaint. */
    private static Node broken(int line, int column, String raw) {
        return Node.scalar(Node.Kind.STRING, line, column, raw, null, Collections.emptyMap());
    }

    /** Expands {@code ${VAR}}; {@code $${} is a literal {@code ${}. Messages quote only the raw text. */
    private Node string(int line, int column, String raw) {
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

    private void syntaxError(JsonProcessingException e, boolean json) {
        if (e.getCause() instanceof MarkedYAMLException && ((MarkedYAMLException) e.getCause()).getProblemMark() != null) {
            // SnakeYAML's own marks are exact where Jackson's location sometimes lags behind.
            MarkedYAMLException y = (MarkedYAMLException) e.getCause();
            Mark mark = y.getProblemMark();
            Mark context = y.getContextMark();
            String message = "YAML syntax error: " + y.getProblem();
            if (y.getContext() != null && context != null) {
                message += " (" + y.getContext() + " at line " + (context.getLine() + 1) + ", column " + (context.getColumn() + 1) + ")";
            }
            problem(mark.getLine() + 1, mark.getColumn() + 1, message);
            return;
        }
        JsonLocation at = e.getLocation();
        int line = at == null ? 1 : Math.max(1, at.getLineNr());
        int column = at == null ? 1 : Math.max(1, at.getColumnNr());
        problem(line, column, (json ? "JSON" : "YAML") + " syntax error: " + e.getOriginalMessage());
    }

    private void problem(int line, int column, String message) {
        problems.add(new Problem(origin, line, column, message));
    }
}
