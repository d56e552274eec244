package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * H2 2.x {@code JdbcConnection(JdbcConnection clone)}: the handles H2's XA pool hands out are such copies, working
 * on the session of a connection Veil opened. Each is checked as that connection is.
 */
public final class H2ConnectionCopyAdvice {
    private H2ConnectionCopyAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object copy, @Advice.Argument(0) Object original) {
        Bridge.jdbcCopied(original, copy);
    }
}
