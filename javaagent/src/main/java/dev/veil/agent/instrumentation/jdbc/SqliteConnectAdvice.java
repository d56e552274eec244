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
        Object[] attempt = Bridge.jdbcConnect(url, info, null, null);
        if (attempt != null) {
            url = (String) attempt[0];
            info = (Properties) attempt[1];
        }
        return attempt;
    }
}
