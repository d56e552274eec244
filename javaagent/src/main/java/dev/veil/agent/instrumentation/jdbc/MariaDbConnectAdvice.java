package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * MariaDB Connector/J 3.x's static {@code connect(Configuration)} (on {@code Driver}, from 3.5 on
 * {@code NonRegisteringDriver}): where MariaDbDataSource and MariaDbPoolDataSource open connections without
 * {@code Driver#connect}. The configuration is replaced by a copy with the login swapped, and again, with the value
 * fetched again, when the database refuses it.
 */
public final class MariaDbConnectAdvice {
    private MariaDbConnectAdvice() {}

    @Advice.OnMethodEnter
    static Object[] enter(@Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object configuration,
                          @Advice.Local("given") Object given) throws Exception {
        given = configuration;
        Object[] attempt = Bridge.jdbcConnectMariaDb(configuration);
        if (attempt != null) configuration = Bridge.jdbcMariaDbConfiguration(given, attempt);
        return attempt;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean exit(@Advice.Enter Object[] attempt, @Advice.Local("given") Object given, @Advice.Return Object connection,
                        @Advice.Thrown Throwable thrown,
                        @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object configuration)
            throws Exception {
        if (!Bridge.jdbcConnectEnd(attempt, connection, thrown)) return false;
        configuration = Bridge.jdbcMariaDbConfiguration(given, attempt);
        return true;
    }
}
