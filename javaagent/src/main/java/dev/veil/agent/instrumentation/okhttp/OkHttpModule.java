package dev.veil.agent.instrumentation.okhttp;

import dev.veil.agent.instrumentation.InstrumentationModule;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * OkHttp 3.14+, 4.x and 5.x: every interceptor of a call is entered through
 * {@code RealInterceptorChain.proceed}, so one advice there sees each hop's final request on its way to
 * {@code CallServerInterceptor} (after redirects, retries, authenticators and network interceptors) and the
 * response the application's interceptors get back from {@code RetryAndFollowUpInterceptor}.
 */
public final class OkHttpModule implements InstrumentationModule {
    private static final String CHAIN = "okhttp3.internal.http.RealInterceptorChain";

    /**
     * {@code proceed(Request)}; on 3.x that one only delegates to {@code proceed(Request, Transmitter, Exchange)},
     * which is the one that dispatches (and which ConnectInterceptor calls directly), so there only that one.
     */
    static final ElementMatcher<MethodDescription> DISPATCHING_PROCEED = named("proceed")
            .and(takesArgument(0, named("okhttp3.Request")))
            .and(returns(named("okhttp3.Response")))
            .and(takesArguments(3).or(takesArguments(1)
                    .and(not(isDeclaredBy(declaresMethod(named("proceed").and(takesArguments(3))))))));

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder.type(named(CHAIN))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(OkHttpModule.class.getClassLoader())
                        .advice(DISPATCHING_PROCEED, ProceedAdvice.class.getName()));
    }
}
