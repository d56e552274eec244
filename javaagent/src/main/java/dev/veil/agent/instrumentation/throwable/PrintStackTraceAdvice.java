package dev.veil.agent.instrumentation.throwable;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code printStackTrace(PrintStream|PrintWriter)}: the bridge prints the whole trace, scrubbed, and the original
 * is skipped. If the bridge cannot (it is rendering this very trace, or fails), the original runs.
 */
public final class PrintStackTraceAdvice {
    private PrintStackTraceAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.This Throwable self, @Advice.Argument(0) Object out) {
        return Bridge.printStackTrace(self, out);
    }
}
