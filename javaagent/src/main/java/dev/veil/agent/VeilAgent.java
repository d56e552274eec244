package dev.veil.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** Entry point for {@code -javaagent:} (premain) and dynamic attach (agentmain). */
public final class VeilAgent {
    private static final String LAUNCHER = "dev.veil.agent.bootstrap.AgentLauncher";
    private static final String BRIDGE_PACKAGE = "dev/veil/agent/bootstrap/";
    private static final String DEFINER = "dev/veil/agent/BootDefiner.class";
    /** How the launcher learns which jar its bridge came from; cleared as soon as the launcher returns. */
    private static final String JAR_PROPERTY = "veil.agent.jar";

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
                launcher = defineBridge(jar, inst);
            }
            System.setProperty(JAR_PROPERTY, jar.getPath());
            try {
                // Reflection, so that nothing of the bootstrap package is resolved before the bootstrap loader has it.
                launcher.getMethod("start", String.class, Instrumentation.class).invoke(null, args, inst);
            } finally {
                System.clearProperty(JAR_PROPERTY);
            }
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("veil: could not start (" + cause.getClass().getName() + "); the application runs without Veil");
        }
    }

    /** The launcher if an earlier start (possibly from another copy of the jar) gave the bootstrap loader the bridge. */
    private static Class<?> launcherOnBootstrap() {
        try {
            return Class.forName(LAUNCHER, false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /**
     * Gives the bootstrap loader the bridge package, and returns its launcher. The classes are defined there
     * directly: appending the jar to the bootstrap class path instead makes the JVM print a warning at every
     * start and give up class data sharing for every class outside the boot loader. Where that is not
     * possible, the jar is appended after all.
     */
    private static Class<?> defineBridge(File jar, Instrumentation inst) throws IOException, ClassNotFoundException {
        try (JarFile file = new JarFile(jar, false)) {
            Map<String, byte[]> bridge = new LinkedHashMap<>();
            byte[] definer = null;
            // The build writes the launcher's entries first and the engine's (thousands, under inst/) after them.
            for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (name.startsWith("inst/")) break;
                if (name.equals(DEFINER)) {
                    definer = file.getInputStream(entry).readAllBytes();
                } else if (name.startsWith(BRIDGE_PACKAGE) && name.endsWith(".class") && name.indexOf('/', BRIDGE_PACKAGE.length()) < 0) {
                    bridge.put(name.substring(0, name.length() - 6).replace('/', '.'), file.getInputStream(entry).readAllBytes());
                }
            }
            try {
                defineInBootLoader(definer, bridge, inst);
                return Class.forName(LAUNCHER, true, null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                inst.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
                return Class.forName(LAUNCHER, true, null);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void defineInBootLoader(byte[] definer, Map<String, byte[]> classes, Instrumentation inst)
            throws ReflectiveOperationException {
        Class<?> type = new OwnLoader().define(definer);
        inst.redefineModule(Object.class.getModule(), Set.of(), Map.of("jdk.internal.misc", Set.of(type.getModule())),
                Map.of(), Set.of(), Map.of());
        ((Consumer<Map<String, byte[]>>) type.getDeclaredConstructor().newInstance()).accept(classes);
    }

    /** A module of BootDefiner's own, so that what java.base exports to it reaches nothing else. */
    private static final class OwnLoader extends ClassLoader {
        OwnLoader() {
            super(VeilAgent.class.getClassLoader());
        }

        Class<?> define(byte[] classFile) {
            return defineClass(null, classFile, 0, classFile.length);
        }
    }
}
