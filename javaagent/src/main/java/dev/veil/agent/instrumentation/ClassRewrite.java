package dev.veil.agent.instrumentation;

import dev.veil.agent.bootstrap.Bridge;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassVisitor;

/**
 * A rewrite of JDK classes that are loaded before any application code runs (Throwable, FileOutputStream),
 * done with ASM alone so that start-up never waits for Byte Buddy.
 */
public interface ClassRewrite {
    /** Internal name of the bridge, the only class rewritten code calls. */
    String BRIDGE = Bridge.class.getName().replace('.', '/');

    /** A class about to load (internal name). */
    boolean wants(String name, ClassShape shape, ClassLoader loader);

    /** A class loaded before Veil started. */
    boolean wants(Class<?> type);

    /** The rewriting visitor in front of {@code next}; code it adds needs no stack map frame but the method entry's. */
    ClassVisitor rewrite(ClassVisitor next);

    /** JDK module name to the packages of it the rewritten code touches. */
    Map<String, Set<String>> jdkPackages();
}
