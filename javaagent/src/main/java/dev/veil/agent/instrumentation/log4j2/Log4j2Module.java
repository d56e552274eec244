package dev.veil.agent.instrumentation.log4j2;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.instrumentation.InstrumentationModule;
import dev.veil.agent.instrumentation.scrubbing.ScrubReturnedText;
import dev.veil.agent.instrumentation.scrubbing.ScrubTextArgument;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Log4j2: a layout renders an event either to a String ({@code Layout.toSerializable}, which
 * {@code toByteArray} and the default {@code encode} use) or, garbage-free, into a StringBuilder that an
 * {@code Encoder<StringBuilder>} turns into bytes for the appender's buffer (PatternLayout,
 * JsonTemplateLayout). Both final texts are scrubbed, whatever the appender (file, console, direct, socket).
 */
public final class Log4j2Module implements InstrumentationModule {
    private static final ElementMatcher.Junction<MethodDescription> TO_TEXT = named("toSerializable").and(takesArguments(1))
            .and(returns(String.class)).and(not(isAbstract()));
    private static final ElementMatcher.Junction<MethodDescription> ENCODE_TEXT = named("encode").and(takesArguments(2))
            .and(takesArgument(0, StringBuilder.class)).and(not(isAbstract()));

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder.type(declaresMethod(TO_TEXT).and(hasSuperType(named("org.apache.logging.log4j.core.Layout"))))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ScrubReturnedText.class).on(TO_TEXT)))
                .type(declaresMethod(ENCODE_TEXT).and(hasSuperType(named("org.apache.logging.log4j.core.layout.Encoder"))))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ScrubTextArgument.class).on(ENCODE_TEXT)));
    }
}
