package dev.veil.agent.instrumentation.okhttp;

import dev.veil.agent.bootstrap.Bridge;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.bytebuddy.asm.Advice;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.internal.http.CallServerInterceptor;
import okhttp3.internal.http.RetryAndFollowUpInterceptor;
import okio.Buffer;
import okio.Okio;

/**
 * Inlined into {@code RealInterceptorChain.proceed}. Only OkHttp, okio, JDK types and the bridge may appear
 * here, and only method names that OkHttp 3.14, 4.x and 5.x all keep for Java callers.
 *
 * <p>Entering the call to {@code CallServerInterceptor} (once per hop): placeholders in header values, the
 * query and a replayable text body are swapped by the bridge, which throws (the request is not sent) when
 * policy denies. The application's request object is never changed: interceptors above, the follow-up
 * logic (redirects, retries, authenticators) and {@code Response.request()} keep seeing the placeholders.
 * Leaving it: response headers are scrubbed. Leaving {@code RetryAndFollowUpInterceptor} (the response the
 * application and its interceptors get, already decompressed): the text body is scrubbed as it streams.
 *
 * <p>URL userinfo is not looked at: OkHttp keeps it in {@code HttpUrl} but never sends it.
 */
public final class ProceedAdvice {
    /** Larger bodies are sent as they are; they are read into memory to be searched. */
    static final long MAX_BODY = 1L << 20;

    private ProceedAdvice() {}

    @Advice.OnMethodEnter
    public static Request enter(@Advice.Argument(value = 0, readOnly = false) Request request,
                                @Advice.FieldValue("interceptors") List<?> interceptors,
                                @Advice.FieldValue("index") int index) throws IOException {
        if (request == null || index >= interceptors.size() || !(interceptors.get(index) instanceof CallServerInterceptor)) {
            return null;
        }
        Request original = request;
        try {
            String method = request.method();
            HttpUrl url = request.url();
            String target = url.toString();
            Headers headers = request.headers();
            String[] swapped = null;
            for (int i = 0; i < headers.size(); i++) {
                String value = headers.value(i);
                String out = Bridge.http(method, target, "header", value);
                if (out != value) {
                    if (swapped == null) swapped = new String[headers.size()];
                    swapped[i] = out;
                }
            }
            String query = url.encodedQuery();
            String newQuery = Bridge.http(method, target, "query", query);
            RequestBody body = request.body();
            RequestBody newBody = null;
            // One-shot and duplex bodies cannot be read twice; unknown or huge lengths are not buffered.
            if (body != null && !body.isOneShot() && !body.isDuplex()) {
                long length = body.contentLength();
                if (length > 0 && length <= MAX_BODY) {
                    Buffer buffer = new Buffer();
                    body.writeTo(buffer);
                    MediaType type = body.contentType();
                    Charset charset = type == null ? StandardCharsets.UTF_8 : type.charset(StandardCharsets.UTF_8);
                    String text = buffer.readString(charset);
                    String out = Bridge.http(method, target, "body", text);
                    if (out != text) newBody = RequestBody.create(type, out.getBytes(charset));
                }
            }
            if (swapped == null && newQuery == query && newBody == null) return null;
            Request.Builder next = request.newBuilder();
            if (swapped != null) {
                Headers.Builder h = new Headers.Builder();
                for (int i = 0; i < headers.size(); i++) {
                    h.addUnsafeNonAscii(headers.name(i), swapped[i] != null ? swapped[i] : headers.value(i));
                }
                next.headers(h.build());
            }
            if (newQuery != query) next.url(url.newBuilder().encodedQuery(newQuery).build());
            if (newBody != null) next.method(method, newBody).header("Content-Length", Long.toString(newBody.contentLength()));
            request = next.build();
            return original;
        } catch (IOException denied) {
            throw denied;
        } catch (Throwable t) {
            Bridge.failed("okhttp request", t);
            request = original;
            return null;
        }
    }

    @Advice.OnMethodExit
    public static void exit(@Advice.Enter Request original,
                            @Advice.Return(readOnly = false) Response response,
                            @Advice.FieldValue("interceptors") List<?> interceptors,
                            @Advice.FieldValue("index") int index) {
        if (response == null || index >= interceptors.size()) return;
        try {
            Object next = interceptors.get(index);
            if (next instanceof CallServerInterceptor) {
                Headers headers = response.headers();
                Headers.Builder clean = null;
                for (int i = 0; i < headers.size(); i++) {
                    String value = headers.value(i);
                    String out = Bridge.withPlaceholders(value);
                    if (out != value && clean == null) {
                        clean = new Headers.Builder();
                        for (int j = 0; j < i; j++) clean.addUnsafeNonAscii(headers.name(j), headers.value(j));
                    }
                    if (clean != null) clean.addUnsafeNonAscii(headers.name(i), out);
                }
                if (original != null || clean != null) {
                    Response.Builder b = response.newBuilder();
                    if (original != null) b.request(original);
                    if (clean != null) b.headers(clean.build());
                    response = b.build();
                }
            } else if (next instanceof RetryAndFollowUpInterceptor) {
                ResponseBody body = response.body();
                // An empty body (HEAD, 204, 304) keeps its known length of zero.
                if (body != null && body.contentLength() != 0) {
                    MediaType type = body.contentType();
                    InputStream raw = body.byteStream();
                    InputStream clean = Bridge.responseBody(type == null ? null : type.toString(), raw);
                    if (clean != raw) {
                        // Unknown length: the scrubbed body is longer or shorter than the original.
                        response = response.newBuilder()
                                .body(ResponseBody.create(type, -1L, Okio.buffer(Okio.source(clean))))
                                .build();
                    }
                }
            }
        } catch (Throwable t) {
            Bridge.failed("okhttp response", t);
        }
    }
}
