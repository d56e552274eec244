package dev.veil.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.util.jar.JarFile;

/** Entry point for {@code -javaagent:} (premain) and dynamic attach (agentmain). */
public final class VeilAgent {
    private static final String LAUNCHER = "dev.veil.agent.bootstrap.AgentLauncher";

    private VeilAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    /**
     * Never throws: whatever goes wrong, the host application keeps running. A second start in the same
     * JVM (a later attach, or -javaagent given twice) changes nothing and says so.
     */
    private static synchronized void start(String args, Instrumentation inst) {
        try {
            File jar = new File(VeilAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Class<?> launcher = launcherOnBootstrap();
            if (launcher == null) {
                inst.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
                launcher = Class.forName(LAUNCHER, true, null);
            }
            // Reflection, so that nothing of the bootstrap package is resolved before it is on the bootstrap path.
            launcher.getMethod("start", String.class, Instrumentation.class).invoke(null, args, inst);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("veil: could not start (" + cause.getClass().getName() + "); the application runs without Veil");
        }
    }

    /** The launcher if an earlier start (possibly from another copy of the jar) put it on the bootstrap path. */
    private static Class<?> launcherOnBootstrap() {
        try {
            return Class.forName(LAUNCHER, false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
