package dev.veil.agent.instrumentation.scrubbing;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** For methods returning final text (a message, a formatted log record): the text as returned, scrubbed. */
public final class ScrubReturnedText {
    private ScrubReturnedText() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) String text) {
        text = Bridge.scrub(text);
    }
}
