package dev.veil.rules;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON document (Jackson's streaming parser) or YAML document (the rules' reader, strings as
 * written) into plain maps, lists and scalars. Veil's own small files (audit records, checkpoints, built-in
 * detectors) use this instead of jackson-databind, whose start-up (about a second of class loading) every
 * agent JVM would pay.
 */
public final class PlainTree {
    private PlainTree() {}

    /**
     * The document as {@code Map<String, Object>} (in order), {@code List<Object>}, {@code String},
     * {@code Long} (or {@code BigInteger}), {@code Double}, {@code Boolean} or null. Duplicate keys and
     * anything after the document are errors.
     */
    public static Object read(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) return null;
        Object value = value(p, first);
        if (p.nextToken() != null) throw new JsonParseException(p, "unexpected content after the document");
        return value;
    }

    /** A YAML document as {@link #read} gives it; a duplicate key or syntax error is an IllegalArgumentException naming it. */
    public static Object yaml(String origin, String text) {
        List<Problem> problems = new ArrayList<>();
        Node root = NodeReader.read(origin, text, null, problems);
        if (!problems.isEmpty()) throw new IllegalArgumentException(problems.get(0).toString());
        return plain(root);
    }

    private static Object plain(Node n) {
        switch (n.kind) {
            case MAP: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Node.Field f : n.fields.values()) map.put(f.key, plain(f.value));
                return map;
            }
            case LIST: {
                List<Object> list = new ArrayList<>();
                for (Node item : n.items) list.add(plain(item));
                return list;
            }
            case INTEGER: {
                BigInteger value = new BigInteger(n.text);
                return value.bitLength() < 64 ? (Object) value.longValue() : value;
            }
            case NUMBER: return Double.valueOf(n.text);
            case BOOLEAN: return Boolean.valueOf(n.text);
            default: return n.text;
        }
    }

    private static Object value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String key = p.currentName();
                    if (map.containsKey(key)) throw new JsonParseException(p, "duplicate field '" + key + "'");
                    map.put(key, value(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) list.add(value(p, e));
                return list;
            }
            case VALUE_STRING: return p.getText();
            case VALUE_NUMBER_INT: return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT: return p.getDoubleValue();
            case VALUE_TRUE: return Boolean.TRUE;
            case VALUE_FALSE: return Boolean.FALSE;
            case VALUE_NULL: return null;
            default: throw new JsonParseException(p, "unexpected " + t);
        }
    }
}
