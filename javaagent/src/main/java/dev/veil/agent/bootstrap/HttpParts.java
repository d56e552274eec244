package dev.veil.agent.bootstrap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Request parts in the shapes HTTP clients hold them, handed to {@link Bridge#http}: HTTP Basic credentials
 * decoded, the query cut out of a request target, a body decoded by its charset. Every method returns its
 * input instance when nothing changed, and lets the bridge's denial (an IOException) through.
 */
public final class HttpParts {
    /** Larger request bodies are sent as they are, unsearched. */
    public static final int MAX_BODY = 1 << 20;

    private HttpParts() {}

    /** A header value; for {@code Basic} credentials the decoded {@code user:password} is searched too. */
    public static String header(String method, String url, String value) throws IOException {
        String out = Bridge.http(method, url, "header", value);
        if (out != value || value == null || value.length() <= 6 || !value.regionMatches(true, 0, "Basic ", 0, 6)) return out;
        String decoded = decode(base64(value.substring(6).trim()), StandardCharsets.UTF_8);
        if (decoded == null) return value;
        String swapped = Bridge.http(method, url, "header", decoded);
        if (swapped == decoded) return value;
        return value.substring(0, 6) + Base64.getEncoder().encodeToString(swapped.getBytes(StandardCharsets.UTF_8));
    }

    /** A request target ({@code /path?query} or an absolute URI) with its query searched. */
    public static String target(String method, String url, String target) throws IOException {
        int q = target == null ? -1 : target.indexOf('?');
        if (q < 0) return target;
        int end = target.indexOf('#', q);
        if (end < 0) end = target.length();
        String query = target.substring(q + 1, end);
        String out = Bridge.http(method, url, "query", query);
        return out == query ? target : target.substring(0, q + 1) + out + target.substring(end);
    }

    /**
     * A body held in memory, decoded by the charset of {@code contentType} (UTF-8 when none); bodies that are
     * not valid text in it are binary and pass unsearched.
     */
    public static byte[] body(String method, String url, String contentType, byte[] body) throws IOException {
        if (body == null || body.length == 0 || body.length > MAX_BODY) return body;
        Charset charset = charset(contentType);
        String text = decode(body, charset);
        if (text == null) return body;
        String out = Bridge.http(method, url, "body", text);
        return out == text ? body : out.getBytes(charset);
    }

    /** The full URL of a request target: itself when absolute, else {@code origin} (scheme://host:port) before it. */
    public static String url(String origin, String target) {
        if (target == null || target.isEmpty()) return origin + "/";
        return target.startsWith("/") || target.equals("*") ? origin + target : target;
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decode(byte[] bytes, Charset charset) {
        if (bytes == null) return null;
        try {
            CharBuffer chars = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Charset charset(String contentType) {
        if (contentType != null) {
            String lower = contentType.toLowerCase(Locale.ROOT);
            int i = lower.indexOf("charset=");
            if (i >= 0) {
                String name = contentType.substring(i + 8).split("[;,\\s]", 2)[0].replace("\"", "");
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
