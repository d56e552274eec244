package dev.veil.agent.instrumentation.stdio;

import dev.veil.agent.bootstrap.Bridge;
import java.io.FileOutputStream;
import java.io.IOException;
import net.bytebuddy.asm.Advice;

/** {@code OutputStream.flush()} reached by a FileOutputStream: what its descriptor held back is written now. */
public final class FlushAdvice {
    private FlushAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object self) throws IOException {
        if (self instanceof FileOutputStream) Bridge.stdioFlush((FileOutputStream) self);
    }
}
