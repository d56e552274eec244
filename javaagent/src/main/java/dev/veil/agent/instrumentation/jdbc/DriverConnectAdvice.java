package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import java.sql.Driver;
import java.util.Properties;
import net.bytebuddy.asm.Advice;

/**
 * {@code Driver#connect}: swap placeholders in the URL and properties (its exit is {@link RepeatRefusedConnect}).
 */
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
        Object[] attempt = Bridge.jdbcConnect(url, info, null, null);
        if (attempt != null) {
            url = (String) attempt[0];
            info = (Properties) attempt[1];
        }
        return attempt;
    }
}
