package dev.veil.agent.instrumentation.scrubbing;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * For methods returning text the application reads back (a response header, the URL a JDBC connection reports):
 * every real value Veil swapped in becomes its placeholder again, and nothing else changes.
 */
public final class PlaceholdersInReturnedText {
    private PlaceholdersInReturnedText() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) String text) {
        text = Bridge.withPlaceholders(text);
    }
}
