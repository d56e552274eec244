package dev.veil.agent.instrumentation.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.bootstrap.HttpClientHooks;
import dev.veil.agent.instrumentation.InstrumentationModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code java.net.http.HttpClient}, HTTP/1.1 and HTTP/2. The client copies the application's request into
 * an internal one per send and builds one exchange object per hop (redirect, authentication, retry):
 * {@code Http1Request} or an HTTP/2 {@code Stream}. Placeholders are swapped on that object just before it
 * is serialised, so the application's request and the client's copy keep them and every hop is decided
 * again. Response bodies are scrubbed by wrapping the application's body handler, response headers where
 * {@code HttpResponse.headers()} returns them.
 */
public final class JdkHttpModule implements InstrumentationModule {
    private static final String PKG = "jdk.internal.net.http.";

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        HttpClientHooks.install(new HttpClientSupport());
        return builder
                .type(named(PKG + "Http1Request"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(getClass().getClassLoader())
                        .advice(named("headers").and(takesArguments(0)), Http1Headers.class.getName()))
                .type(named(PKG + "Stream"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(getClass().getClassLoader())
                        .advice(named("sendHeadersAsync").and(takesArguments(0)), Http2Body.class.getName())
                        .advice(named("headerFrame").and(takesArguments(1)), Http2Headers.class.getName()))
                .type(named(PKG + "MultiExchange"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(getClass().getClassLoader())
                        .advice(isConstructor().and(takesArgument(3, named("java.net.http.HttpResponse$BodyHandler"))),
                                ScrubbingHandler.class.getName()))
                .type(named(PKG + "HttpResponseImpl"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(getClass().getClassLoader())
                        .advice(named("headers").and(takesArguments(0)), ResponseHeaders.class.getName()))
                .type(named(PKG + "HttpClientImpl"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(getClass().getClassLoader())
                        .advice(named("send").and(takesArguments(2)), SendDenied.class.getName()));
    }

    @Override
    public Map<String, Set<String>> jdkPackages() {
        return Map.of("java.net.http", Set.of("jdk.internal.net.http", "jdk.internal.net.http.frame"));
    }

    /** HTTP/1.1 hop: the body before it is sized, then the serialised request line and headers. */
    static final class Http1Headers {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object exchange, @Advice.FieldValue("request") Object request,
                          @Advice.FieldValue("requestPublisher") Object publisher) throws IOException {
            HttpClientHooks.body(exchange, request, publisher);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.FieldValue("request") Object request,
                         @Advice.Return(readOnly = false) List<ByteBuffer> block) throws IOException {
            block = HttpClientHooks.http1Headers(request, block);
        }
    }

    /** HTTP/2 hop: the body, before the stream sizes it. */
    static final class Http2Body {
        @Advice.OnMethodEnter
        static void enter(@Advice.This Object stream, @Advice.FieldValue("request") Object request,
                          @Advice.FieldValue("requestPublisher") Object publisher) throws IOException {
            HttpClientHooks.body(stream, request, publisher);
        }
    }

    /** HTTP/2 hop: the HEADERS frame, before it is queued for encoding. */
    static final class Http2Headers {
        @Advice.OnMethodExit
        static void exit(@Advice.This Object stream, @Advice.FieldValue("request") Object request,
                         @Advice.FieldValue("requestPseudoHeaders") Object pseudo,
                         @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object frame) throws IOException {
            HttpClientHooks.http2Headers(stream, request, pseudo, frame);
        }
    }

    static final class ScrubbingHandler {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(value = 3, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object handler) {
            handler = HttpClientHooks.scrubbing(handler);
        }
    }

    static final class ResponseHeaders {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object headers) {
            headers = HttpClientHooks.responseHeaders(headers);
        }
    }

    /** {@code send} wraps failures in a new IOException; a denial reaches the caller as Veil's own. */
    static final class SendDenied {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
            if (thrown instanceof IOException && thrown.getCause() instanceof IOException
                    && thrown.getCause().getClass().getName().equals("dev.veil.inject.VeilDeniedException")) {
                thrown = thrown.getCause();
            }
        }
    }
}
