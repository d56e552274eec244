package dev.veil.scrub;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/** The forms a secret value takes when a program writes it out. */
public final class Encodings {
    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();
    private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();

    private Encodings() {}

    /**
     * Every form of {@code value} the scrubber looks for, without duplicates: raw; percent-encoded
     * (RFC 3986, upper and lower hex) and form-encoded; JSON-escaped (plain, with {@code \/}, and with
     * non-ASCII as {@code \}{@code uXXXX}); base64 standard and URL-safe of its UTF-8 bytes at each of
     * the three alignments in a longer base64 text: the stable inner part, and the tail with and without
     * padding (the tail at alignment 0 is the whole standalone encoding). HTTP Basic
     * ({@code base64("user:" + value)}) is the padded standard tail at alignment {@code (user.length()+1) % 3}.
     * XML-escaped (text: {@code & < >}; attribute: also {@code " '} as named or numeric references; and a
     * document escaped twice: XML in XML, JSON in XML, XML in JSON);
     * command-line-escaped (Windows argv quoting, POSIX inside double and inside single quotes); and a value
     * wrapped in quotes without them, when what is left is still {@link Scrubber#MIN_VALUE_LENGTH} chars long.
     */
    public static Set<String> all(String value) {
        Set<String> out = new LinkedHashSet<>();
        out.add(value);
        out.add(percent(value, UPPER_HEX));
        out.add(percent(value, LOWER_HEX));
        out.add(URLEncoder.encode(value, StandardCharsets.UTF_8));
        out.add(json(value, false, null));
        out.add(json(value, true, null));
        out.add(json(value, false, UPPER_HEX));
        out.add(json(value, false, LOWER_HEX));
        // A JSON document logged by a JSON layout (a request body in a log event) is escaped twice.
        for (boolean innerSlash : new boolean[] {false, true}) {
            out.add(json(json(value, innerSlash, null), false, null));
            out.add(json(json(value, innerSlash, null), true, null));
        }
        out.add(xml(value, null, null));
        out.add(xml(value, "&quot;", "&apos;"));
        out.add(xml(value, "&#34;", "&#39;"));
        // A document logged by a layout of the other (or same) format: XML in XML, JSON in XML, XML in JSON.
        out.add(xml(xml(value, null, null), null, null));
        out.add(xml(json(value, false, null), null, null));
        out.add(json(xml(value, null, null), false, null));
        out.add(windowsArgument(value));
        out.add(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`"));
        out.add(value.replace("'", "'\\''"));
        out.add(withoutQuotes(value));
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder enc : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
            for (int align = 0; align < 3; align++) {
                out.add(base64Stable(enc, bytes, align));
                String tail = base64Tail(enc, bytes, align);
                out.add(tail);
                out.add(stripPadding(tail));
            }
        }
        out.remove("");
        return out;
    }

    /** RFC 3986 percent-encoding of the UTF-8 bytes, upper-case hex; unreserved characters stay. */
    public static String percent(CharSequence value) {
        return percent(value, UPPER_HEX);
    }

    private static String percent(CharSequence value, char[] hex) {
        byte[] bytes = value.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(hex[c >> 4]).append(hex[c & 15]);
            }
        }
        return sb.toString();
    }

    /** JSON string escaping; {@code hex == null} leaves non-ASCII characters as they are. */
    private static String json(String value, boolean escapeSlash, char[] hex) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                case '/':
                    sb.append(escapeSlash ? "\\/" : "/");
                    break;
                default:
                    if (c < 0x20 || c >= 0x7F && hex != null) {
                        char[] h = hex == null ? UPPER_HEX : hex;
                        sb.append("\\u").append(h[c >> 12]).append(h[c >> 8 & 15])
                                .append(h[c >> 4 & 15]).append(h[c & 15]);
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }

    /** XML escaping of {@code & < >}, and of {@code " '} when their references are given. */
    private static String xml(String value, String quot, String apos) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '&') sb.append("&amp;");
            else if (c == '<') sb.append("&lt;");
            else if (c == '>') sb.append("&gt;");
            else if (c == '"' && quot != null) sb.append(quot);
            else if (c == '\'' && apos != null) sb.append(apos);
            else sb.append(c);
        }
        return sb.toString();
    }

    /** A Windows command-line argument's inside: {@code "} becomes {@code \"}, and the backslashes before it double. */
    private static String windowsArgument(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        int backslashes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                for (int k = 0; k <= backslashes; k++) sb.append('\\');
            }
            backslashes = c == '\\' ? backslashes + 1 : 0;
            sb.append(c);
        }
        return sb.toString();
    }

    /** The value inside its surrounding quotes ({@code "} or {@code '}), or the value itself. */
    private static String withoutQuotes(String value) {
        int n = value.length();
        boolean quoted = n >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'') && value.charAt(n - 1) == value.charAt(0);
        return quoted && n - 2 >= Scrubber.MIN_VALUE_LENGTH ? value.substring(1, n - 1) : value;
    }

    /**
     * The base64 characters fully determined by {@code bytes} when they start at byte {@code align}
     * (0, 1 or 2) of a 3-byte group: character j covers bits [6j, 6j+6) of the stream and the value
     * occupies bits [8·align, 8·align + 8n), so j runs from ceil(8·align/6) to floor((8·align+8n)/6).
     * For n ≥ 8 that is at least 10 characters, so no encoding is shorter than the value's minimum length.
     */
    static String base64Stable(Base64.Encoder enc, byte[] bytes, int align) {
        String all = enc.withoutPadding().encodeToString(shifted(bytes, align));
        int first = (8 * align + 5) / 6;
        int last = (8 * align + 8 * bytes.length) / 6;
        return all.substring(first, last);
    }

    /** From the first stable character to the end, as written when the value ends the encoded data. */
    static String base64Tail(Base64.Encoder enc, byte[] bytes, int align) {
        return enc.encodeToString(shifted(bytes, align)).substring((8 * align + 5) / 6);
    }

    private static byte[] shifted(byte[] bytes, int align) {
        byte[] b = new byte[align + bytes.length];
        System.arraycopy(bytes, 0, b, align, bytes.length);
        return b;
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }
}
