package dev.veil.agent.instrumentation.apachehttp5;

import dev.veil.agent.instrumentation.InstrumentationModule;
import net.bytebuddy.agent.builder.AgentBuilder;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Apache HttpClient 5.x (httpcore5), classic and async over HTTP/1.1. Requests are decided where they are
 * written, once per hop (after redirects, retries, auth retries and every request interceptor): classic in
 * {@code HttpRequestExecutor.execute}, async in {@code ClientHttp1StreamHandler.commitRequest}; async bodies
 * when {@code HttpAsyncMainClientExec.execute} is handed the entity producer. Response headers: the message
 * parsers. Response bodies: classic leaving {@code doExecute} (decoded content); async through the callback
 * {@code HttpAsyncMainClientExec} is handed.
 */
public final class ApacheHttp5Module implements InstrumentationModule {
    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        ClassLoader own = ApacheHttp5Module.class.getClassLoader();
        return builder
                .type(named("org.apache.hc.core5.http.impl.io.HttpRequestExecutor"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own).advice(named("execute").and(takesArguments(4))
                        .and(takesArgument(0, named("org.apache.hc.core5.http.ClassicHttpRequest"))), ClassicRequestAdvice.class.getName()))
                .type(named("org.apache.hc.core5.http.impl.nio.ClientHttp1StreamHandler"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("commitRequest").and(takesArguments(2)), AsyncRequestAdvice.class.getName()))
                .type(named("org.apache.hc.client5.http.impl.async.HttpAsyncMainClientExec"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("execute").and(takesArguments(5)), AsyncExecAdvice.class.getName()))
                .type(namedOneOf("org.apache.hc.core5.http.impl.io.AbstractMessageParser", "org.apache.hc.core5.http.impl.nio.AbstractMessageParser"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("parse").and(takesArguments(2)), ResponseHeadersAdvice.class.getName()))
                .type(namedOneOf("org.apache.hc.client5.http.impl.classic.InternalHttpClient", "org.apache.hc.client5.http.impl.classic.MinimalHttpClient"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("doExecute").and(takesArguments(3)), ClassicResponseBodyAdvice.class.getName()))
                .type(named("org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("retryRequest").and(takesArguments(4)).and(takesArgument(1, named("java.io.IOException"))),
                                NoRetryOfDenialAdvice.class.getName()));
    }
}
