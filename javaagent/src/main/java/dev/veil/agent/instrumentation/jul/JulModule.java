package dev.veil.agent.instrumentation.jul;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperClass;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.instrumentation.InstrumentationModule;
import dev.veil.agent.instrumentation.scrubbing.ScrubReturnedText;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * java.util.logging: every {@code StreamHandler} (Console, File, Socket) writes {@code getFormatter().format(record)};
 * the result of every {@code Formatter.format(LogRecord)} (Simple, XML, the application's own) is scrubbed.
 * SimpleFormatter's trace, printed into that result, is scrubbed with it only.
 */
public final class JulModule implements InstrumentationModule {
    private static final ElementMatcher.Junction<MethodDescription> FORMAT = named("format").and(takesArguments(1))
            .and(takesArgument(0, named("java.util.logging.LogRecord"))).and(returns(String.class)).and(not(isAbstract()));

    private static final String SIMPLE = "java.util.logging.SimpleFormatter";

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder.type(declaresMethod(FORMAT).and(hasSuperClass(named("java.util.logging.Formatter"))))
                .transform((b, type, loader, module, domain) -> {
                    b = b.visit(Advice.to(ScrubReturnedText.class).on(FORMAT));
                    return type.getName().equals(SIMPLE) ? b.visit(Advice.to(PrintsIntoFormattedText.class).on(FORMAT)) : b;
                });
    }

    @Override
    public Map<String, Set<String>> jdkPackages() {
        return Map.of("java.logging", Set.of());
    }
}
