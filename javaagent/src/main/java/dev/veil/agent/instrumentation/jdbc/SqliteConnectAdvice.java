package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import java.util.Properties;
import net.bytebuddy.asm.Advice;

/** SQLite's static {@code JDBC.createConnection(url, props)}: where SQLiteDataSource opens connections. */
public final class SqliteConnectAdvice {
    private SqliteConnectAdvice() {}

    @Advice.OnMethodEnter
    static Object[] enter(@Advice.Argument(value = 0, readOnly = false) String url,
                          @Advice.Argument(value = 1, readOnly = false) Properties info) throws Exception {
        Object[] login = Bridge.jdbcConnect(url, info, null, null);
        if (login != null) {
            url = (String) login[0];
            info = (Properties) login[1];
        }
        return login;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Enter Object[] login, @Advice.Return Object connection) {
        if (login != null) Bridge.jdbcConnected(login[4], connection);
    }
}
