package dev.veil.agent.instrumentation.jdkhttp;

import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.bootstrap.HttpClientHooks;
import dev.veil.agent.bootstrap.UrlConnectionHooks;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The work behind the {@code java.net.http.HttpClient} advice, reached through {@link HttpClientHooks}
 * (java.net.http lives in the platform loader, which the bootstrap bridge cannot see). Injection happens per hop on the client's internal
 * per-exchange objects ({@code Http1Request}, {@code Stream}); the application's {@code HttpRequest} and
 * the client's per-send copy keep their placeholders. {@code jdk.internal.net.http} is opened to this
 * engine at start-up, so the few internal fields are reached by reflection.
 */
final class HttpClientSupport implements HttpClientHooks.Impl {
    private static final String BYTE_ARRAY_PUBLISHER = "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher";
    private static final ClassValue<Map<String, Field>> FIELDS = new ClassValue<Map<String, Field>>() {
        @Override
        protected Map<String, Field> computeValue(Class<?> type) {
            return new java.util.concurrent.ConcurrentHashMap<>();
        }
    };

    /** The declared field {@code name} of {@code type} or a superclass, accessible (final ones writable too). */
    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Map<String, Field> cache = FIELDS.get(type);
        Field f = cache.get(name);
        if (f != null) return f;
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                f = c.getDeclaredField(name);
                f.setAccessible(true);
                cache.put(name, f);
                return f;
            } catch (NoSuchFieldException ignored) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    private static Object get(Object target, String name) throws ReflectiveOperationException {
        return field(target.getClass(), name).get(target);
    }

    private static void set(Object target, String name, Object value) throws ReflectiveOperationException {
        field(target.getClass(), name).set(target, value);
    }

    /** Wraps a reflective failure: the request was meant to change and cannot, so it is not sent. */
    private static IOException notPrepared(String where, Exception e) {
        Bridge.failed(where, e);
        return new IOException("veil: the request could not be prepared (" + e.getClass().getName() + "); not sent");
    }

    /**
     * Before an exchange ({@code Http1Request} or HTTP/2 {@code Stream}) sizes and sends its body: an
     * in-memory body ({@code BodyPublishers.ofString}/{@code ofByteArray}) with placeholders is replaced,
     * for this hop only, by one with the real values. Other publishers stream and are sent as they are.
     */
    @Override
    public void body(Object exchange, Object requestImpl, Object publisher) throws IOException {
        HttpRequest request = (HttpRequest) requestImpl;
        if (publisher == null || request == null || request.uri() == null || !isByteArrayPublisher(publisher.getClass())) return;
        byte[] content;
        int offset;
        int length;
        try {
            content = (byte[]) get(publisher, "content");
            offset = (Integer) get(publisher, "offset");
            length = (Integer) get(publisher, "length");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Bridge.failed("HttpClient request body", e);
            return;
        }
        if (length == 0 || length > UrlConnectionHooks.MAX_BODY) return;
        String text = new String(content, offset, length, StandardCharsets.UTF_8);
        String injected = Bridge.http(request.method(), request.uri().toString(), "body", text);
        if (injected == text) return;
        try {
            set(exchange, "requestPublisher", HttpRequest.BodyPublishers.ofByteArray(injected.getBytes(StandardCharsets.UTF_8)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw notPrepared("HttpClient request body", e);
        }
    }

    private static boolean isByteArrayPublisher(Class<?> c) {
        for (; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(BYTE_ARRAY_PUBLISHER)) return true;
        }
        return false;
    }

    /**
     * HTTP/1.1: the serialised request line and headers of one hop ({@code Http1Request.headers()}), with
     * placeholders in the query and header values swapped; the same list when nothing changed.
     */
    @Override
    public List<ByteBuffer> http1Headers(Object requestImpl, List<ByteBuffer> block) throws IOException {
        HttpRequest request = (HttpRequest) requestImpl;
        if (request == null || block == null || request.uri() == null || "CONNECT".equals(request.method())) return block;
        StringBuilder all = new StringBuilder();
        for (ByteBuffer b : block) all.append(StandardCharsets.ISO_8859_1.decode(b.duplicate()));
        String text = all.toString();
        String method = request.method();
        String url = request.uri().toString();
        StringBuilder out = new StringBuilder(text.length() + 64);
        boolean changed = false;
        int start = 0;
        boolean first = true;
        while (start < text.length()) {
            int eol = text.indexOf("\r\n", start);
            if (eol < 0) eol = text.length();
            String line = text.substring(start, eol);
            String replaced = line;
            if (first) {
                replaced = UrlConnectionHooks.withQueryInjected(method, url, line);
                first = false;
            } else {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    int v = colon + 1;
                    while (v < line.length() && line.charAt(v) == ' ') v++;
                    String value = line.substring(v);
                    String injected = Bridge.http(method, url, "header", value);
                    if (injected != value) replaced = line.substring(0, v) + injected;
                }
            }
            changed |= replaced != line;
            out.append(replaced);
            if (eol < text.length()) out.append("\r\n");
            start = eol + 2;
        }
        if (!changed) return block;
        // Real values are ASCII in practice; anything else could not be sent in an HTTP/1.1 header anyway.
        return List.of(ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.ISO_8859_1)));
    }

    /**
     * HTTP/2: the HEADERS frame of one hop ({@code Stream.headerFrame}) with placeholders swapped in the
     * user and system headers, and in the {@code :path} query of the stream's pseudo-headers.
     */
    @Override
    public void http2Headers(Object stream, Object requestImpl, Object pseudoHeaders, Object frame) throws IOException {
        HttpRequest request = (HttpRequest) requestImpl;
        HttpHeaders pseudo = (HttpHeaders) pseudoHeaders;
        if (request == null || frame == null || request.uri() == null) return;
        String method = request.method();
        String url = request.uri().toString();
        try {
            for (String part : new String[] {"user", "system"}) {
                HttpHeaders headers = (HttpHeaders) get(frame, part);
                HttpHeaders injected = injected(method, url, headers);
                if (injected != headers) set(frame, part, injected);
            }
            if (pseudo != null) {
                String path = pseudo.firstValue(":path").orElse(null);
                if (path != null && path.indexOf('?') >= 0) {
                    String line = method + " " + path + " HTTP/2";
                    String injected = UrlConnectionHooks.withQueryInjected(method, url, line);
                    if (injected != line) {
                        Map<String, List<String>> map = new LinkedHashMap<>(pseudo.map());
                        map.put(":path", List.of(injected.substring(method.length() + 1, injected.length() - " HTTP/2".length())));
                        set(stream, "requestPseudoHeaders", HttpHeaders.of(map, (k, v) -> true));
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw notPrepared("HttpClient HTTP/2 headers", e);
        }
    }

    /** {@code headers} with placeholders swapped in each value; the same instance when none. */
    private static HttpHeaders injected(String method, String url, HttpHeaders headers) throws IOException {
        if (headers == null) return null;
        Map<String, List<String>> out = null;
        for (Map.Entry<String, List<String>> e : headers.map().entrySet()) {
            List<String> values = e.getValue();
            List<String> replaced = null;
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                String r = Bridge.http(method, url, "header", v);
                if (r != v && replaced == null) replaced = new ArrayList<>(values.subList(0, i));
                if (replaced != null) replaced.add(r);
            }
            if (replaced != null && out == null) out = new LinkedHashMap<>(headers.map());
            if (replaced != null) out.put(e.getKey(), replaced);
        }
        return out == null ? headers : HttpHeaders.of(out, (k, v) -> true);
    }

    /** Response headers as the application may see them; the same instance when nothing needed scrubbing. */
    @Override
    public Object responseHeaders(Object headers) {
        return headers instanceof HttpHeaders ? scrubbed((HttpHeaders) headers) : headers;
    }

    private static HttpHeaders scrubbed(HttpHeaders headers) {
        Map<String, List<String>> map = headers.map();
        Map<String, List<String>> scrubbed = UrlConnectionHooks.responseHeaders(map);
        return scrubbed == map ? headers : HttpHeaders.of(scrubbed, (k, v) -> true);
    }

    /** The application's body handler, with text bodies scrubbed of real values chunk by chunk as they arrive. */
    @Override
    public Object scrubbing(Object handler) {
        return handler instanceof HttpResponse.BodyHandler ? scrubbing((HttpResponse.BodyHandler<?>) handler) : handler;
    }

    private static <T> HttpResponse.BodyHandler<T> scrubbing(HttpResponse.BodyHandler<T> handler) {
        return info -> {
            ScrubbedInfo scrubbedInfo = new ScrubbedInfo(info);
            HttpResponse.BodySubscriber<T> subscriber = handler.apply(scrubbedInfo);
            Function<ByteBuffer, ByteBuffer> chunks = Bridge.responseChunks(info.headers().firstValue("Content-Type").orElse(null));
            return chunks == null || subscriber == null ? subscriber : new ScrubbingSubscriber<>(subscriber, chunks);
        };
    }

    private static final class ScrubbedInfo implements HttpResponse.ResponseInfo {
        private final HttpResponse.ResponseInfo info;

        ScrubbedInfo(HttpResponse.ResponseInfo info) {
            this.info = info;
        }

        @Override public int statusCode() { return info.statusCode(); }
        @Override public HttpHeaders headers() { return scrubbed(info.headers()); }
        @Override public HttpClient.Version version() { return info.version(); }
    }

    /**
     * Passes every buffer through the scrubbing function in order. What the function held back at the end
     * goes out as one more item before completion, but only once the downstream has demand for it.
     */
    private static final class ScrubbingSubscriber<T> implements HttpResponse.BodySubscriber<T> {
        private final HttpResponse.BodySubscriber<T> downstream;
        private final Function<ByteBuffer, ByteBuffer> chunks;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile ByteBuffer rest;

        ScrubbingSubscriber(HttpResponse.BodySubscriber<T> downstream, Function<ByteBuffer, ByteBuffer> chunks) {
            this.downstream = downstream;
            this.chunks = chunks;
        }

        @Override public CompletionStage<T> getBody() { return downstream.getBody(); }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    if (n > 0) demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                    if (rest != null) finish();
                    else subscription.request(n);
                }

                @Override
                public void cancel() {
                    subscription.cancel();
                }
            });
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            demand.decrementAndGet();
            List<ByteBuffer> out = new ArrayList<>(items.size());
            for (ByteBuffer b : items) {
                ByteBuffer s = chunks.apply(b);
                if (s != null && s.hasRemaining()) out.add(s);
            }
            // One item per item received, even an empty one: the downstream's demand accounting stays exact.
            downstream.onNext(out);
        }

        @Override public void onError(Throwable throwable) { downstream.onError(throwable); }

        @Override
        public void onComplete() {
            ByteBuffer held = chunks.apply(null);
            if (held == null || !held.hasRemaining()) {
                if (finished.compareAndSet(false, true)) downstream.onComplete();
                return;
            }
            rest = held;
            finish();
        }

        private void finish() {
            if (demand.get() > 0 && finished.compareAndSet(false, true)) {
                downstream.onNext(List.of(rest));
                downstream.onComplete();
            }
        }
    }
}
