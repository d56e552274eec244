package dev.veil.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * Runs in the bootstrap loader (VeilAgent defines this package there before this class loads), so the
 * bridge seen by instrumented JDK classes and the bridge the engine fills in are one and the same.
 */
public final class AgentLauncher {
    private static boolean started;

    private AgentLauncher() {}

    /**
     * Starts the engine once per JVM; a later start (an attach, or -javaagent given twice) changes nothing and
     * says so. Called reflectively, and shaped as premain is (static, String and Instrumentation, void): the JVM
     * has just called premain so, and JDK 22+ would spend tens of milliseconds making method-handle code for any
     * other shape.
     */
    public static synchronized void start(String args, Instrumentation inst) throws Exception {
        if (started) {
            System.err.println("veil: already running in this JVM; this start is ignored (its arguments too)");
            return;
        }
        started = true;
        ClassLoader engine = new EngineClassLoader(agentJar(), ClassLoader.getPlatformClassLoader());
        engine.loadClass("dev.veil.agent.instrumentation.Installer")
                .getMethod("install", String.class, Instrumentation.class)
                .invoke(null, args, inst);
    }

    /** The jar whose bridge the bootstrap loader holds: VeilAgent names it in {@code veil.agent.jar} for this call. */
    private static File agentJar() {
        return new File(System.getProperty("veil.agent.jar"));
    }
}
