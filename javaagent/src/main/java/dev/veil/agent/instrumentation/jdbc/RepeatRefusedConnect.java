package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import java.util.Properties;
import net.bytebuddy.asm.Advice;

/**
 * The exit of the {@code (String url, Properties info)} connect hooks ({@link DriverConnectAdvice},
 * {@link SqliteConnectAdvice}): note the connection a guarded login opened, or, when the database refused an
 * injected login, refill the arguments with the value fetched again and repeat the method body (not the enter).
 */
public final class RepeatRefusedConnect {
    private RepeatRefusedConnect() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean exit(@Advice.Enter Object[] attempt, @Advice.Return Object connection, @Advice.Thrown Throwable thrown,
                        @Advice.Argument(value = 0, readOnly = false) String url,
                        @Advice.Argument(value = 1, readOnly = false) Properties info) {
        if (!Bridge.jdbcConnectEnd(attempt, connection, thrown)) return false;
        url = (String) attempt[0];
        info = (Properties) attempt[1];
        return true;
    }
}
