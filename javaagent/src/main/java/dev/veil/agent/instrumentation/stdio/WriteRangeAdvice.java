package dev.veil.agent.instrumentation.stdio;

import dev.veil.agent.bootstrap.Bridge;
import java.io.FileDescriptor;
import net.bytebuddy.asm.Advice;

/** {@code FileOutputStream.write(byte[], int, int)}: writes the scrubbed bytes due now instead. */
public final class WriteRangeAdvice {
    private WriteRangeAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("fd") FileDescriptor fd, @Advice.Argument(value = 0, readOnly = false) byte[] b,
            @Advice.Argument(value = 1, readOnly = false) int off, @Advice.Argument(value = 2, readOnly = false) int len) {
        byte[] due = Bridge.stdioWrite(fd, b, off, len);
        if (due != null) {
            b = due;
            off = 0;
            len = due.length;
        }
    }
}
