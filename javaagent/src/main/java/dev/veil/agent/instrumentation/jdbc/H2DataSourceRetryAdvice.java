package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * H2's {@code JdbcDataSource.getConnection*} and {@code getXAConnection*}: they construct the JdbcConnection whose
 * constructor {@link H2ConnectionAdvice} injects into, and a constructor cannot be repeated; so these repeat
 * instead when the database refuses the injected login (the constructor then injects the value fetched again).
 */
public final class H2DataSourceRetryAdvice {
    private H2DataSourceRetryAdvice() {}

    /** Only so that the exit advice has a slot, kept across repeats, for its retries. */
    @Advice.OnMethodEnter
    static Object[] enter() {
        return null;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean exit(@Advice.Enter(readOnly = false) Object[] attempt, @Advice.Return Object connection,
                        @Advice.Thrown Throwable thrown) {
        if (thrown == null) {
            if (attempt != null) Bridge.jdbcConnected(attempt[4], connection); // audits a rotation
            return false;
        }
        if (attempt == null) attempt = new Object[5];
        return Bridge.jdbcRetry(attempt, thrown);
    }
}
