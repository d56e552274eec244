package dev.veil.agent;

import dev.veil.Engine;
import java.lang.instrument.Instrumentation;

/** Entry point for {@code -javaagent:} (premain) and dynamic attach (agentmain). */
public final class VeilAgent {
    private VeilAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args);
    }

    /** Never throws: whatever goes wrong, the host application keeps running. */
    private static void start(String args) {
        try {
            Engine.start(args, System.err);
        } catch (Throwable t) {
            System.err.println("veil: could not start (" + t.getClass().getSimpleName() + "); the application runs without Veil");
        }
    }
}
