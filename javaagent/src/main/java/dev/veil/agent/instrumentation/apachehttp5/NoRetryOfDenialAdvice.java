package dev.veil.agent.instrumentation.apachehttp5;

import java.io.IOException;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code DefaultHttpRequestRetryStrategy.retryRequest(request, exception, count, context)}: a request Veil denied is not tried again. */
public final class NoRetryOfDenialAdvice {
    private NoRetryOfDenialAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(1) IOException error, @Advice.Return(readOnly = false) boolean retry) {
        if (retry && error != null && error.getClass().getName().equals("dev.veil.inject.VeilDeniedException")) retry = false;
    }
}
