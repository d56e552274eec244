package dev.veil.agent.instrumentation.stdio;

import dev.veil.agent.bootstrap.Bridge;
import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code FileOutputStream.write(byte[])}: writes the scrubbed bytes due now instead. */
public final class WriteArrayAdvice {
    private WriteArrayAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.Argument(value = 0, readOnly = false) byte[] b) {
        byte[] due = b == null ? null : Bridge.stdioWrite(fd, b, 0, b.length);
        if (due != null) b = due;
    }
}
