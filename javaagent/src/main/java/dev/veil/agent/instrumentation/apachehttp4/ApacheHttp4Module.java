package dev.veil.agent.instrumentation.apachehttp4;

import dev.veil.agent.instrumentation.InstrumentationModule;
import net.bytebuddy.agent.builder.AgentBuilder;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Apache HttpClient 4.x (httpcore 4.4). Requests: {@code HttpRequestExecutor.execute} writes every request of
 * every client flavour (InternalHttpClient, MinimalHttpClient, the deprecated DefaultHttpClient), once per hop:
 * after redirects, retries, auth retries and all request interceptors. Response headers: the message parser,
 * as each response arrives. Response bodies: leaving {@code doExecute}, after content decoding.
 */
public final class ApacheHttp4Module implements InstrumentationModule {
    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        ClassLoader own = ApacheHttp4Module.class.getClassLoader();
        return builder
                .type(named("org.apache.http.protocol.HttpRequestExecutor"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own).advice(named("execute")
                        .and(takesArguments(3)).and(takesArgument(0, named("org.apache.http.HttpRequest"))), RequestAdvice.class.getName()))
                .type(named("org.apache.http.impl.io.AbstractMessageParser"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("parse").and(takesArguments(0)), ResponseHeadersAdvice.class.getName()))
                .type(namedOneOf("org.apache.http.impl.client.InternalHttpClient", "org.apache.http.impl.client.MinimalHttpClient"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("doExecute").and(takesArguments(3)), ResponseBodyAdvice.class.getName()))
                .type(named("org.apache.http.impl.client.DefaultHttpRequestRetryHandler"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(own)
                        .advice(named("retryRequest").and(takesArguments(3)), NoRetryOfDenialAdvice.class.getName()));
    }
}
