package dev.veil.agent.instrumentation.apachehttp4;

import java.io.IOException;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code DefaultHttpRequestRetryHandler.retryRequest}: a request Veil denied is not tried again (it would be denied again). */
public final class NoRetryOfDenialAdvice {
    private NoRetryOfDenialAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) IOException error, @Advice.Return(readOnly = false) boolean retry) {
        if (retry && error != null && error.getClass().getName().equals("dev.veil.inject.VeilDeniedException")) retry = false;
    }
}
