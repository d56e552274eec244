package dev.veil.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.JarURLConnection;
import java.net.URISyntaxException;

/**
 * Runs from the bootstrap class path (the agent jar is appended to it before this class loads), so the
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

    /** The jar this class was loaded from, the copy of the agent whose bridge the bootstrap loader holds. */
    private static File agentJar() throws IOException, URISyntaxException {
        JarURLConnection self = (JarURLConnection) AgentLauncher.class.getResource("AgentLauncher.class").openConnection();
        return new File(self.getJarFileURL().toURI());
    }
}
