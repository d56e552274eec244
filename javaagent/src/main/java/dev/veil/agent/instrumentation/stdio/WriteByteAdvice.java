package dev.veil.agent.instrumentation.stdio;

import dev.veil.agent.bootstrap.Bridge;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import net.bytebuddy.asm.Advice;

/**
 * {@code FileOutputStream.write(int)}: one byte can become none (held back) or many (a scrubbed line), so
 * the bridge writes what is due itself and the original write is skipped. Its IOException is the write's own.
 */
public final class WriteByteAdvice {
    private WriteByteAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This FileOutputStream self, @Advice.FieldValue("fd") FileDescriptor fd, @Advice.Argument(0) int b)
            throws IOException {
        return Bridge.stdioWrite(self, fd, b);
    }
}
