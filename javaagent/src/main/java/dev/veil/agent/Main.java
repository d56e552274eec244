package dev.veil.agent;

import dev.veil.agent.bootstrap.EngineClassLoader;
import java.io.File;

/** {@code java -jar veil-agent.jar <command>}: the CLI, run from the engine inside the jar. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        File jar = new File(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ClassLoader engine = new EngineClassLoader(jar, ClassLoader.getSystemClassLoader());
        Thread.currentThread().setContextClassLoader(engine);
        Object code = engine.loadClass("dev.veil.cli.VeilCli").getMethod("run", String[].class).invoke(null, (Object) args);
        System.exit((Integer) code);
    }
}
