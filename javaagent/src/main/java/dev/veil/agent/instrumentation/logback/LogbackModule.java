package dev.veil.agent.instrumentation.logback;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.instrumentation.InstrumentationModule;
import dev.veil.agent.instrumentation.scrubbing.ScrubReturnedBytes;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Logback: every appender that writes bytes (console, file, rolling, socket encoders, AsyncAppender's
 * children) gets them from {@code Encoder.encode(event)}; each encoder's result (pattern layouts, the
 * built-in JsonEncoder, logstash-logback-encoder) is scrubbed as a whole event, message, arguments, MDC,
 * key-values and stack trace together.
 */
public final class LogbackModule implements InstrumentationModule {
    private static final ElementMatcher.Junction<MethodDescription> ENCODE = named("encode").and(takesArguments(1))
            .and(returns(byte[].class)).and(not(isAbstract()));

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder.type(declaresMethod(ENCODE).and(hasSuperType(named("ch.qos.logback.core.encoder.Encoder"))))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ScrubReturnedBytes.class).on(ENCODE)));
    }
}
