package dev.veil.agent.instrumentation;

import dev.veil.Engine;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * The library modules' transformer, built the first time a candidate class appears: a JVM that never
 * loads an instrumented library never loads Byte Buddy either (about a thousand classes).
 */
final class ByteBuddyModules {
    private final List<Candidates> modules;
    private final Instrumentation inst;
    private final Engine engine;
    private final Set<String> reported;
    private volatile ClassFileTransformer transformer;
    private volatile boolean failed;
    private Thread building;

    ByteBuddyModules(List<Candidates> modules, Instrumentation inst, Engine engine, Set<String> reported) {
        this.modules = modules;
        this.inst = inst;
        this.engine = engine;
        this.reported = reported;
    }

    /**
     * The transformer; null on the thread that is building it (classes it loads meanwhile are Veil's or the
     * JDK's), and for good if building it failed (reported once).
     */
    ClassFileTransformer transformer() {
        ClassFileTransformer t = transformer;
        if (t != null || failed) return t;
        synchronized (this) {
            if (transformer == null && !failed && building != Thread.currentThread()) {
                building = Thread.currentThread();
                try {
                    transformer = Build.transformer(modules, inst, engine, reported);
                } catch (Throwable e) {
                    failed = true;
                    EngineHandler.report(engine, reported, "the library modules", e);
                } finally {
                    building = null;
                }
            }
            return transformer;
        }
    }

    /** Apart, so that linking the outer class loads none of Byte Buddy's classes. */
    private static final class Build {
        static ClassFileTransformer transformer(List<Candidates> modules, Instrumentation inst, Engine engine, Set<String> reported)
                throws ReflectiveOperationException {
            // Veil never injects classes, so Byte Buddy need not probe sun.misc.Unsafe (which JDK 24+ warns about
            // on stderr). The key is relocated with Byte Buddy, so it touches only Veil's private copy.
            if (System.getProperty("net.bytebuddy.safe") == null) System.setProperty("net.bytebuddy.safe", "true");
            AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                    .disableClassFormatChanges()
                    .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                    .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                    .ignore(nameStartsWith("dev.veil.").or(nameStartsWith("net.bytebuddy.")).or(isSynthetic()))
                    .with(new AgentBuilder.Listener.Adapter() {
                        @Override
                        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
                            EngineHandler.report(engine, reported, typeName, error);
                        }
                    });
            List<Map<String, Set<String>>> packages = new ArrayList<>();
            for (Candidates c : modules) {
                InstrumentationModule m = c.module().getDeclaredConstructor().newInstance();
                packages.add(m.jdkPackages());
                builder = m.extend(builder);
            }
            Installer.openJdkPackages(inst, packages);
            return builder.makeRaw();
        }
    }
}
