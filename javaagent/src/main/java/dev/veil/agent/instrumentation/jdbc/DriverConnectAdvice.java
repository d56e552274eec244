package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import java.sql.Connection;
import java.sql.Driver;
import java.util.Properties;
import net.bytebuddy.asm.Advice;

/** {@code Driver#connect}: swap placeholders in the URL and properties; note read-only connections. */
public final class DriverConnectAdvice {
    private DriverConnectAdvice() {}

    @Advice.OnMethodEnter
    static Object[] enter(@Advice.This Driver driver,
                          @Advice.Argument(value = 0, readOnly = false) String url,
                          @Advice.Argument(value = 1, readOnly = false) Properties info) throws Exception {
        // DriverManager offers every URL to every driver: only the one that takes it decides (and spends rate).
        boolean accepts;
        try {
            accepts = url != null && driver.acceptsURL(url);
        } catch (Throwable t) {
            accepts = false;
        }
        if (!accepts) return null;
        Object[] login = Bridge.jdbcConnect(url, info, null, null);
        if (login != null) {
            url = (String) login[0];
            info = (Properties) login[1];
        }
        return login;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Enter Object[] login, @Advice.Return Connection connection) {
        if (login != null) Bridge.jdbcConnected(login[4], connection);
    }
}
