package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code DatabaseMetaData.getURL()} and {@code getUserName()}: drivers report the URL and user they were given, which
 * hold the real values Veil swapped in; the application reads back the placeholders it configured instead.
 */
public final class ReportedLoginAdvice {
    private ReportedLoginAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) String reported) {
        reported = Bridge.withPlaceholders(reported);
    }
}
