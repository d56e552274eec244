package dev.veil.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.veil.rules.PlainTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The record format. A line is a JSON object with exactly the fields of {@link #FIELDS}, in that
 * order. {@code hash} is the SHA-256 (hex) of the canonical serialization: the same object without
 * {@code hash}, compact, fields in order, strings escaped as Jackson's default generator escapes them, UTF-8.
 */
final class AuditCodec {
    static final List<String> FIELDS = List.of("ts", "seq", "agent", "pid", "event", "credential",
            "destination", "method", "rule", "reason", "prev", "hash");
    /** {@code prev} of the first record. */
    static final String GENESIS = "0".repeat(64);

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String UPPER_HEX = "0123456789ABCDEF";

    /** A line that is not a well-formed record; {@code notJson} tells a syntax error from a bad field. */
    static final class BadRecord extends Exception {
        final boolean notJson;

        BadRecord(boolean notJson, String message) {
            super(message);
            this.notJson = notJson;
        }
    }

    private AuditCodec() {}

    /** Written by hand, not by a Jackson generator: a record is appended on every injection, and this is faster. */
    static String json(AuditEvent e, boolean withHash) {
        StringBuilder b = new StringBuilder(320);
        b.append("{\"ts\":");
        string(b, e.ts());
        b.append(",\"seq\":").append(e.seq()).append(",\"agent\":");
        string(b, e.agent());
        b.append(",\"pid\":").append(e.pid()).append(",\"event\":");
        string(b, e.event());
        b.append(",\"credential\":");
        string(b, e.credential());
        b.append(",\"destination\":");
        string(b, e.destination());
        b.append(",\"method\":");
        string(b, e.method());
        b.append(",\"rule\":");
        string(b, e.rule());
        b.append(",\"reason\":");
        string(b, e.reason());
        b.append(",\"prev\":");
        string(b, e.prev());
        if (withHash) {
            b.append(",\"hash\":");
            string(b, e.hash());
        }
        return b.append('}').toString();
    }

    /** A JSON string as Jackson writes it by default: short escapes where JSON has one, else {@code \\u00XX}. */
    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            b.append(s, from, i).append('\\');
            switch (c) {
                case '"': b.append('"'); break;
                case '\\': b.append('\\'); break;
                case '\b': b.append('b'); break;
                case '\t': b.append('t'); break;
                case '\n': b.append('n'); break;
                case '\f': b.append('f'); break;
                case '\r': b.append('r'); break;
                default: b.append("u00").append(UPPER_HEX.charAt(c >> 4)).append(UPPER_HEX.charAt(c & 0xf));
            }
            from = i + 1;
        }
        b.append(s, from, s.length()).append('"');
    }

    static String hash(AuditEvent e) {
        return hash(sha256(), json(e, false));
    }

    /** The hex SHA-256 of {@code canonical} (the record without its hash), with {@code digest} (reset on return). */
    static String hash(MessageDigest digest, String canonical) {
        byte[] hex = new byte[64];
        hex(digest.digest(canonical.getBytes(StandardCharsets.UTF_8)), hex, 0);
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    private static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.ISO_8859_1);
    /** The length of what {@link #sealedLine} adds after the canonical record without its closing brace. */
    private static final int SEAL = HASH_FIELD.length + 64 + 3;

    /**
     * The line of a record (UTF-8, newline included) from its canonical serialization: what {@code json(record, true)}
     * writes, the hash of {@code canonical} as the last field (hex digits need no escaping). One encoding, one digest.
     */
    static byte[] sealedLine(MessageDigest digest, String canonical) {
        byte[] body = canonical.getBytes(StandardCharsets.UTF_8);
        byte[] sha = digest.digest(body);
        int open = body.length - 1; // without the closing brace
        byte[] line = new byte[open + SEAL];
        System.arraycopy(body, 0, line, 0, open);
        System.arraycopy(HASH_FIELD, 0, line, open, HASH_FIELD.length);
        hex(sha, line, open + HASH_FIELD.length);
        line[line.length - 3] = '"';
        line[line.length - 2] = '}';
        line[line.length - 1] = '\n';
        return line;
    }

    /** The hash written into a line by {@link #sealedLine}. */
    static String hashOf(byte[] sealedLine) {
        return new String(sealedLine, sealedLine.length - 67, 64, StandardCharsets.ISO_8859_1);
    }

    private static void hex(byte[] bytes, byte[] out, int at) {
        for (byte x : bytes) {
            out[at++] = (byte) Character.forDigit((x >> 4) & 0xf, 16);
            out[at++] = (byte) Character.forDigit(x & 0xf, 16);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is required of every JVM", ex);
        }
    }

    /** Parses and type-checks one line; does not check the hash (see {@link #hash}). */
    static AuditEvent parse(String line) throws BadRecord {
        Object tree;
        try (JsonParser p = FACTORY.createParser(line)) {
            tree = PlainTree.read(p);
        } catch (JsonProcessingException ex) {
            throw new BadRecord(true, "not JSON: " + ex.getOriginalMessage());
        } catch (IOException ex) {
            throw new BadRecord(true, "not JSON: " + ex.getMessage());
        }
        if (!(tree instanceof Map)) throw new BadRecord(true, "not a JSON object");
        @SuppressWarnings("unchecked")
        Map<String, Object> n = (Map<String, Object>) tree;
        for (String f : FIELDS) {
            if (!n.containsKey(f)) throw new BadRecord(false, "missing field '" + f + "'");
        }
        for (String f : n.keySet()) {
            if (!FIELDS.contains(f)) throw new BadRecord(false, "unexpected field '" + f + "'");
        }
        String ts = text(n, "ts", true);
        if (!TS.matcher(ts).matches()) throw new BadRecord(false, "ts '" + ts + "' is not ISO-8601 UTC with milliseconds");
        String event = text(n, "event", true);
        if (!AuditEvent.EVENTS.contains(event)) throw new BadRecord(false, "unknown event '" + event + "'");
        String prev = text(n, "prev", true);
        String hash = text(n, "hash", true);
        if (!HEX64.matcher(prev).matches()) throw new BadRecord(false, "prev is not 64 hex digits");
        if (!HEX64.matcher(hash).matches()) throw new BadRecord(false, "hash is not 64 hex digits");
        return new AuditEvent(ts, number(n, "seq"), text(n, "agent", false), number(n, "pid"), event,
                text(n, "credential", false), text(n, "destination", false), text(n, "method", false),
                text(n, "rule", false), text(n, "reason", false), prev, hash);
    }

    private static String text(Map<String, Object> n, String field, boolean required) throws BadRecord {
        Object v = n.get(field);
        if (v == null && !required) return null;
        if (!(v instanceof String)) throw new BadRecord(false, "field '" + field + "' must be a string" + (required ? "" : " or null"));
        return (String) v;
    }

    private static long number(Map<String, Object> n, String field) throws BadRecord {
        Object v = n.get(field);
        if (!(v instanceof Long) || (Long) v < 1) {
            throw new BadRecord(false, "field '" + field + "' must be a positive integer");
        }
        return (Long) v;
    }
}
