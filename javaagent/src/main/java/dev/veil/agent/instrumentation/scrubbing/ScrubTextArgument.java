package dev.veil.agent.instrumentation.scrubbing;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** For methods that write a finished event held in a StringBuilder (first argument): scrubbed in place first. */
public final class ScrubTextArgument {
    private ScrubTextArgument() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) StringBuilder text) {
        Bridge.scrub(text);
    }
}
