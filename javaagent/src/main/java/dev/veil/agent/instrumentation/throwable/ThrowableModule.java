package dev.veil.agent.instrumentation.throwable;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isSubTypeOf;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.instrumentation.InstrumentationModule;
import dev.veil.agent.instrumentation.scrubbing.ScrubReturnedText;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Exception messages: {@code getMessage}, {@code getLocalizedMessage} and {@code toString} of {@link Throwable}
 * and of every subclass that overrides them (helpful NullPointerException, Jackson, driver exceptions...)
 * return scrubbed text. {@code printStackTrace} to any PrintStream or PrintWriter (and every override of it)
 * prints the whole trace scrubbed as one text: messages, {@code Caused by:} and {@code Suppressed:} lines,
 * cycles, and the stack frames' class, method and file names, which no message method returns.
 */
public final class ThrowableModule implements InstrumentationModule {
    private static final ElementMatcher.Junction<MethodDescription> MESSAGE = named("getMessage").or(named("getLocalizedMessage"))
            .or(named("toString")).and(takesArguments(0)).and(returns(String.class)).and(not(isAbstract()));
    private static final ElementMatcher.Junction<MethodDescription> PRINT = named("printStackTrace").and(takesArguments(1))
            .and(takesArgument(0, PrintStream.class).or(takesArgument(0, PrintWriter.class))).and(not(isAbstract()));

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        // declaresMethod first: the cheap check rules out nearly every class before its hierarchy is resolved.
        return builder.type(declaresMethod(MESSAGE.or(PRINT)).and(isSubTypeOf(Throwable.class)))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ScrubReturnedText.class).on(MESSAGE))
                        .visit(Advice.to(PrintStackTraceAdvice.class).on(PRINT)));
    }

    /** Exceptions that override the message methods live in many JDK modules; each must read the bridge. */
    @Override
    public Map<String, Set<String>> jdkPackages() {
        return ModuleLayer.boot().modules().stream().collect(Collectors.toMap(Module::getName, m -> Set.of()));
    }
}
