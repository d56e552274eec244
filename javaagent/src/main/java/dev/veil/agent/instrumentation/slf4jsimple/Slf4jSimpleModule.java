package dev.veil.agent.instrumentation.slf4jsimple;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.instrumentation.InstrumentationModule;
import dev.veil.agent.instrumentation.scrubbing.ScrubTextArgument;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * SLF4J simple (1.7: {@code org.slf4j.impl}, 2.x: {@code org.slf4j.simple}): every event, whatever its target
 * (System.err, System.out, a {@code logFile}), is written by {@code SimpleLogger.write(StringBuilder, Throwable)},
 * which prints the finished line, then the throwable with {@code printStackTrace(PrintStream)}. The line is
 * scrubbed in place on entry; the throwable's trace is scrubbed by the throwable module's printStackTrace hook.
 */
public final class Slf4jSimpleModule implements InstrumentationModule {
    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder.type(named("org.slf4j.simple.SimpleLogger").or(named("org.slf4j.impl.SimpleLogger")))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ScrubTextArgument.class).on(named("write")
                        .and(takesArguments(2)).and(takesArgument(0, StringBuilder.class)).and(takesArgument(1, Throwable.class)))));
    }
}
