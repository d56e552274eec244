package dev.veil.agent;

import dev.veil.agent.bootstrap.EngineClassLoader;
import java.io.File;
import java.lang.reflect.InvocationTargetException;

/** {@code java -jar veil-agent.jar <command>}: the CLI, run from the engine inside the jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        File jar = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ClassLoader engine = new EngineClassLoader(jar, ClassLoader.getSystemClassLoader());
        Thread.currentThread().setContextClassLoader(engine);
        try {
            Object code = engine.loadClass("dev.veil.cli.VeilCli").getMethod("run", String[].class).invoke(null, (Object) args);
            System.exit((Integer) code);
        } catch (InvocationTargetException e) {
            // Not a user error: a bug or a broken jar. Name it; never dump state that could hold a value.
            System.err.println("veil: internal error (" + e.getCause().getClass().getName() + "); please report it");
            System.exit(1);
        }
    }
}
