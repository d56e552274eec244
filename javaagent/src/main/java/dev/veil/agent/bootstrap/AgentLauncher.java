package dev.veil.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * Runs from the bootstrap class path (the agent jar is appended to it before this class loads), so the
 * bridge seen by instrumented JDK classes and the bridge the engine fills in are one and the same.
 */
public final class AgentLauncher {
    private static boolean started;

    private AgentLauncher() {}

    /** Starts the engine once per JVM; false (and nothing done) when it already runs. */
    public static synchronized boolean start(String args, Instrumentation inst, File agentJar) throws Exception {
        if (started) return false;
        started = true;
        ClassLoader engine = new EngineClassLoader(agentJar, ClassLoader.getPlatformClassLoader());
        engine.loadClass("dev.veil.agent.instrumentation.Installer")
                .getMethod("install", String.class, Instrumentation.class)
                .invoke(null, args, inst);
        return true;
    }
}
