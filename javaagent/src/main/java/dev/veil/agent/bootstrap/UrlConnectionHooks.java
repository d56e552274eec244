package dev.veil.agent.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bootstrap-side work for the {@code HttpURLConnection} advice, which runs inside java.base and may call
 * only JDK types and this package. {@code sun.net.www} is opened to this module at start-up, so the
 * JDK's internal {@code MessageHeader} and {@code PosterOutputStream} are reached by reflection here.
 */
public final class UrlConnectionHooks {
    /** Larger buffered bodies are sent as they are: neither injected nor checked. */
    public static final int MAX_BODY = 1 << 20;

    private static volatile Internals internals;

    private UrlConnectionHooks() {}

    /** Reflective handles on the JDK's internal header and body classes, resolved on first use. */
    private static final class Internals {
        final Field keys;
        final Field values;
        final Field count;
        final Constructor<?> newHeader;
        final Method add;
        final Constructor<?> newPoster;

        Internals(Class<?> header) throws ReflectiveOperationException {
            keys = accessible(header.getDeclaredField("keys"));
            values = accessible(header.getDeclaredField("values"));
            count = accessible(header.getDeclaredField("nkeys"));
            newHeader = header.getConstructor();
            add = header.getMethod("add", String.class, String.class);
            newPoster = Class.forName("sun.net.www.http.PosterOutputStream", false, header.getClassLoader()).getConstructor();
        }

        private static Field accessible(Field f) {
            f.setAccessible(true);
            return f;
        }
    }

    private static Internals internals(Object header) throws ReflectiveOperationException {
        Internals i = internals;
        if (i == null) internals = i = new Internals(header.getClass());
        return i;
    }

    /**
     * One hop of an {@code HttpURLConnection} about to be written to {@code url}: the request line and
     * headers {@code head} (a {@code MessageHeader}) and the buffered body {@code poster} (a
     * {@code PosterOutputStream}, or null when streaming). Returns a copy of both with placeholders
     * swapped — the connection's own objects keep the placeholders — or null when nothing changed.
     *
     * @throws IOException the bridge's, when the request must not be sent
     */
    public static Object[] request(URL url, Object head, Object poster) throws IOException {
        if (url == null || head == null) return null;
        String[] keys;
        String[] values;
        int n;
        Internals in;
        try {
            in = internals(head);
            synchronized (head) {
                n = in.count.getInt(head);
                keys = ((String[]) in.keys.get(head)).clone();
                values = ((String[]) in.values.get(head)).clone();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            Bridge.failed("HttpURLConnection request headers", e);
            return null;
        }
        if (n == 0 || keys[0] == null || values[0] != null) return null;
        String requestLine = keys[0];
        int sp = requestLine.indexOf(' ');
        if (sp <= 0) return null;
        String method = requestLine.substring(0, sp);
        if (method.equals("CONNECT")) return null; // to the proxy, not the destination
        String target = url.toString();
        boolean changed = false;

        String line = withQueryInjected(method, target, requestLine);
        if (line != requestLine) {
            keys[0] = line;
            changed = true;
        }
        for (int i = 1; i < n; i++) {
            if (keys[i] == null || values[i] == null) continue;
            String v = Bridge.http(method, target, "header", values[i]);
            if (v != values[i]) {
                values[i] = v;
                changed = true;
            }
        }
        byte[] body = null;
        if (poster instanceof ByteArrayOutputStream) {
            ByteArrayOutputStream buffered = (ByteArrayOutputStream) poster;
            if (buffered.size() > 0 && buffered.size() <= MAX_BODY) {
                String text = new String(buffered.toByteArray(), StandardCharsets.UTF_8);
                String injected = Bridge.http(method, target, "body", text);
                if (injected != text) body = injected.getBytes(StandardCharsets.UTF_8);
            }
        }
        if (!changed && body == null) return null;
        try {
            Object headCopy = in.newHeader.newInstance();
            for (int i = 0; i < n; i++) {
                if (keys[i] == null) continue;
                String v = values[i];
                if (body != null && "Content-Length".equalsIgnoreCase(keys[i])) v = String.valueOf(body.length);
                in.add.invoke(headCopy, keys[i], v);
            }
            Object posterCopy = poster;
            if (body != null) {
                ByteArrayOutputStream p = (ByteArrayOutputStream) in.newPoster.newInstance();
                p.write(body);
                p.close();
                posterCopy = p;
            }
            return new Object[] {headCopy, posterCopy};
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Injection was decided but cannot be applied: never send the placeholder-bearing request half-done.
            Bridge.failed("HttpURLConnection request copy", e);
            throw new IOException("veil: the request could not be prepared (" + e.getClass().getName() + "); not sent");
        }
    }

    /** {@code "GET /p?q HTTP/1.1"} with placeholders in the query swapped; the same instance if none. */
    public static String withQueryInjected(String method, String url, String requestLine) throws IOException {
        int end = requestLine.lastIndexOf(' ');
        int q = requestLine.indexOf('?');
        if (q < 0 || end <= q) return requestLine;
        int hash = requestLine.indexOf('#', q);
        int queryEnd = hash >= 0 && hash < end ? hash : end;
        String query = requestLine.substring(q + 1, queryEnd);
        String injected = Bridge.http(method, url, "query", query);
        return injected == query ? requestLine : requestLine.substring(0, q + 1) + injected + requestLine.substring(queryEnd);
    }

    /** {@code getHeaderFields()} as the application may see it; the same map when nothing needed scrubbing. */
    public static Map<String, List<String>> responseHeaders(Map<String, List<String>> headers) {
        if (headers == null) return null;
        Map<String, List<String>> out = null;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            List<String> scrubbed = scrubbed(e.getValue());
            if (scrubbed != e.getValue() && out == null) {
                out = new LinkedHashMap<>();
                for (Map.Entry<String, List<String>> before : headers.entrySet()) {
                    if (before.getKey() == e.getKey()) break;
                    out.put(before.getKey(), before.getValue());
                }
            }
            if (out != null) out.put(e.getKey(), scrubbed);
        }
        return out == null ? headers : java.util.Collections.unmodifiableMap(out);
    }

    /** The values with real values replaced; the same list when none was found. */
    static List<String> scrubbed(List<String> values) {
        if (values == null) return null;
        List<String> out = null;
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            String s = Bridge.withPlaceholders(v);
            if (s != v && out == null) out = new ArrayList<>(values.subList(0, i));
            if (out != null) out.add(s);
        }
        return out == null ? values : java.util.Collections.unmodifiableList(out);
    }
}
