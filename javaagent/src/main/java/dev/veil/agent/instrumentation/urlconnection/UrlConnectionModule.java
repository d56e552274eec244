package dev.veil.agent.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.bootstrap.UrlConnectionHooks;
import dev.veil.agent.instrumentation.InstrumentationModule;
import dev.veil.agent.instrumentation.scrubbing.PlaceholdersInReturnedText;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code HttpURLConnection} and {@code HttpsURLConnection} (which delegates to it). Requests are injected
 * where the JDK writes each hop to the socket, {@code sun.net.www.http.HttpClient.writeRequests}: every
 * redirect, authentication retry and retry on a stale connection passes there with its final headers,
 * while the connection keeps the placeholders. Responses are scrubbed where the application reads them.
 */
public final class UrlConnectionModule implements InstrumentationModule {
    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(named("sun.net.www.http.HttpClient"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(getClass().getClassLoader())
                        .advice(named("writeRequests").and(takesArguments(2)).and(takesArgument(1, named("sun.net.www.http.PosterOutputStream"))),
                                WriteRequests.class.getName()))
                .type(named("sun.net.www.protocol.http.HttpURLConnection"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(getClass().getClassLoader())
                        .advice(named("getInputStream").and(takesArguments(0)).or(named("getErrorStream").and(takesArguments(0))),
                                ResponseBody.class.getName())
                        .advice(named("getHeaderField").and(takesArguments(1)), PlaceholdersInReturnedText.class.getName())
                        .advice(named("getHeaderFields").and(takesArguments(0)), ResponseHeaders.class.getName()));
    }

    @Override
    public Map<String, Set<String>> jdkPackages() {
        return Map.of("java.base", Set.of("sun.net.www", "sun.net.www.http", "sun.net.www.protocol.http", "sun.net.www.protocol.https"));
    }

    /** One hop's request line, headers and buffered body, swapped for copies with the real values. */
    static final class WriteRequests {
        @Advice.OnMethodEnter
        static void enter(@Advice.FieldValue("url") URL url,
                          @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object head,
                          @Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object poster) throws IOException {
            Object[] injected = UrlConnectionHooks.request(url, head, poster);
            if (injected != null) {
                head = injected[0];
                poster = injected[1];
            }
        }
    }

    static final class ResponseBody {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This HttpURLConnection connection, @Advice.Return(readOnly = false) InputStream body) {
            if (body != null) body = Bridge.responseBody(connection.getContentType(), body);
        }
    }

    static final class ResponseHeaders {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return(readOnly = false) Map<String, List<String>> headers) {
            headers = UrlConnectionHooks.responseHeaders(headers);
        }
    }
}
