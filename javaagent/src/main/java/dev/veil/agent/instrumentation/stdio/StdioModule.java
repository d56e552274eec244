package dev.veil.agent.instrumentation.stdio;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.instrumentation.InstrumentationModule;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Standard output and error, at the lowest Java point every writer shares: {@code FileOutputStream}'s
 * writes on {@code FileDescriptor.out} and {@code .err}. That covers {@code System.out}/{@code err} (byte and
 * char paths, captured before the agent started or not), and frameworks that open the descriptor
 * themselves (Log4j2 {@code direct=true}). Unfinished lines wait for their line break or a flush, which
 * reaches {@code OutputStream.flush} (FileOutputStream does not override it).
 */
public final class StdioModule implements InstrumentationModule {
    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder.type(named("java.io.FileOutputStream"))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(WriteRangeAdvice.class).on(named("write").and(takesArguments(3))))
                        .visit(Advice.to(WriteArrayAdvice.class).on(named("write").and(takesArguments(1)).and(takesArgument(0, byte[].class))))
                        .visit(Advice.to(WriteByteAdvice.class).on(named("write").and(takesArguments(1)).and(takesArgument(0, int.class)))))
                .type(named("java.io.OutputStream"))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(FlushAdvice.class).on(named("flush").and(takesArguments(0)))));
    }

    @Override
    public Map<String, Set<String>> jdkPackages() {
        return Map.of("java.base", Set.of());
    }
}
