package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * A connection closed without error is forgotten at once. Left to the collector, each of many short connections
 * stays in Veil's statement-check map until a young collection, which copies it first.
 */
public final class ConnectionCloseAdvice {
    private ConnectionCloseAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object connection) {
        Bridge.jdbcClosed(connection);
    }
}
