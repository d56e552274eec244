package dev.veil.agent.instrumentation.jul;

import dev.veil.agent.bootstrap.Bridge;
import java.util.logging.LogRecord;
import net.bytebuddy.asm.Advice;

/**
 * For {@code SimpleFormatter.format}: it prints the record's throwable into its own writer, into the text it
 * returns, which is scrubbed whole; the trace is not scrubbed on its own first.
 */
public final class PrintsIntoFormattedText {
    private PrintsIntoFormattedText() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter(@Advice.Argument(0) LogRecord record) {
        return Bridge.printsIntoScrubbedText(record.getThrown());
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter boolean announced) {
        if (announced) Bridge.printedIntoScrubbedText();
    }
}
