package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import java.util.Properties;
import net.bytebuddy.asm.Advice;

/**
 * H2 2.x {@code JdbcConnection(String url, Properties info, String user, Object password, boolean)}: where
 * both its Driver and its JdbcDataSource (password as char[]) open connections.
 */
public final class H2ConnectionAdvice {
    private H2ConnectionAdvice() {}

    @Advice.OnMethodEnter
    static Object[] enter(@Advice.Argument(value = 0, readOnly = false) String url,
                          @Advice.Argument(value = 1, readOnly = false) Properties info,
                          @Advice.Argument(value = 2, readOnly = false) String user,
                          @Advice.Argument(value = 3, readOnly = false) Object password) throws Exception {
        boolean chars = password instanceof char[];
        String text = chars ? new String((char[]) password) : password instanceof String ? (String) password : null;
        Object[] login = Bridge.jdbcConnect(url, info, user, text);
        if (login != null) {
            url = (String) login[0];
            info = (Properties) login[1];
            user = (String) login[2];
            if (text != null) password = chars ? ((String) login[3]).toCharArray() : login[3];
        }
        return login;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Enter Object[] login, @Advice.This Object connection) {
        if (login != null) Bridge.jdbcConnected(login[4], connection);
    }
}
