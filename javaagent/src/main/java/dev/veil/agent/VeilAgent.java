package dev.veil.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.util.jar.JarFile;

/** Entry point for {@code -javaagent:} (premain) and dynamic attach (agentmain). */
public final class VeilAgent {
    private VeilAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    /** Never throws: whatever goes wrong, the host application keeps running. */
    private static synchronized void start(String args, Instrumentation inst) {
        try {
            File jar = new File(VeilAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
            // Reflection, so that nothing of the bootstrap package is resolved before it is on the bootstrap path.
            Class.forName("dev.veil.agent.bootstrap.AgentLauncher", true, null)
                    .getMethod("start", String.class, Instrumentation.class, File.class)
                    .invoke(null, args, inst, jar);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("veil: could not start (" + cause.getClass().getName() + "); the application runs without Veil");
        }
    }
}
