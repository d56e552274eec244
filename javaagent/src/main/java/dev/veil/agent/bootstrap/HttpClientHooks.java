package dev.veil.agent.bootstrap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What the {@code java.net.http} advice calls. That module lives in the platform class loader, which the
 * bootstrap loader cannot see, so the work is done engine-side by an {@link Impl} installed at start-up;
 * the signatures use only java.base types. Until it is installed every call leaves the request unchanged.
 */
public final class HttpClientHooks {
    /** Implemented in the engine; arguments are the client's internal objects, typed as Object here. */
    public interface Impl {
        void body(Object exchange, Object request, Object publisher) throws IOException;

        List<ByteBuffer> http1Headers(Object request, List<ByteBuffer> block) throws IOException;

        void http2Headers(Object stream, Object request, Object pseudoHeaders, Object frame) throws IOException;

        Object responseHeaders(Object headers);

        Object scrubbing(Object bodyHandler);
    }

    private static volatile Impl impl;

    private HttpClientHooks() {}

    public static void install(Impl i) {
        impl = i;
    }

    /** An in-memory request body of one hop ({@code Http1Request}/{@code Stream}), swapped for one with real values. */
    public static void body(Object exchange, Object request, Object publisher) throws IOException {
        Impl i = impl;
        if (i != null) i.body(exchange, request, publisher);
    }

    /** The serialised HTTP/1.1 request line and headers of one hop, with real values. */
    public static List<ByteBuffer> http1Headers(Object request, List<ByteBuffer> block) throws IOException {
        Impl i = impl;
        return i == null ? block : i.http1Headers(request, block);
    }

    /** The HTTP/2 HEADERS frame (and the stream's :path) of one hop, with real values. */
    public static void http2Headers(Object stream, Object request, Object pseudoHeaders, Object frame) throws IOException {
        Impl i = impl;
        if (i != null) i.http2Headers(stream, request, pseudoHeaders, frame);
    }

    /** Response {@code HttpHeaders} as the application may see them. */
    public static Object responseHeaders(Object headers) {
        Impl i = impl;
        return i == null ? headers : i.responseHeaders(headers);
    }

    /** The application's {@code BodyHandler}, wrapped so text bodies are scrubbed as they stream in. */
    public static Object scrubbing(Object bodyHandler) {
        Impl i = impl;
        return i == null ? bodyHandler : i.scrubbing(bodyHandler);
    }
}
