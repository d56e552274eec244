package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** A connection opened under a read-only grant stays read-only: pools reset the flag, and the application may try. */
public final class SetReadOnlyAdvice {
    private SetReadOnlyAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object connection, @Advice.Argument(value = 0, readOnly = false) boolean readOnly) {
        if (!readOnly && Bridge.jdbcReadOnly(connection)) readOnly = true;
    }
}
