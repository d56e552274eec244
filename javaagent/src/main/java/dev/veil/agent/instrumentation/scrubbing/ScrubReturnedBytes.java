package dev.veil.agent.instrumentation.scrubbing;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** For methods returning an encoded event (UTF-8 bytes): the bytes as returned, scrubbed. */
public final class ScrubReturnedBytes {
    private ScrubReturnedBytes() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) byte[] bytes) {
        bytes = Bridge.scrub(bytes);
    }
}
