package dev.veil.agent.instrumentation;

import dev.veil.Engine;
import dev.veil.agent.bootstrap.Bridge;
import dev.veil.agent.instrumentation.apachehttp4.ApacheHttp4Module;
import dev.veil.agent.instrumentation.apachehttp5.ApacheHttp5Module;
import dev.veil.agent.instrumentation.jdbc.JdbcModule;
import dev.veil.agent.instrumentation.jdkhttp.JdkHttpModule;
import dev.veil.agent.instrumentation.jul.JulModule;
import dev.veil.agent.instrumentation.log4j2.Log4j2Module;
import dev.veil.agent.instrumentation.logback.LogbackModule;
import dev.veil.agent.instrumentation.okhttp.OkHttpModule;
import dev.veil.agent.instrumentation.slf4jsimple.Slf4jSimpleModule;
import dev.veil.agent.instrumentation.stdio.StdioModule;
import dev.veil.agent.instrumentation.throwable.ThrowableModule;
import dev.veil.agent.instrumentation.urlconnection.UrlConnectionModule;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.utility.JavaModule;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/** Starts the engine, connects the bridge and installs every library's instrumentation. */
public final class Installer {
    /** One entry per instrumented library. */
    static final List<InstrumentationModule> MODULES = List.of(
            new UrlConnectionModule(),
            new JdkHttpModule(),
            new OkHttpModule(),
            new ApacheHttp4Module(),
            new ApacheHttp5Module(),
            new JdbcModule(),
            new ThrowableModule(),
            new StdioModule(),
            new LogbackModule(),
            new Log4j2Module(),
            new JulModule(),
            new Slf4jSimpleModule());

    private Installer() {}

    public static void install(String args, Instrumentation inst) {
        // Veil never injects classes, so Byte Buddy need not probe sun.misc.Unsafe (which JDK 24+ warns about
        // on stderr). The key is relocated with Byte Buddy, so it touches only Veil's private copy.
        if (System.getProperty("net.bytebuddy.safe") == null) System.setProperty("net.bytebuddy.safe", "true");
        Engine engine = Engine.start(args, System.err);
        Bridge.install(new EngineHandler(engine));
        if (MODULES.isEmpty()) return;
        openJdkPackages(inst);
        Set<String> reported = ConcurrentHashMap.newKeySet();
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // After an attach, classes already loaded are retransformed in one batch. A class the JVM refuses
                // is isolated by halving the batch and reported, rather than silently undoing all the others.
                .with(new AgentBuilder.RedefinitionStrategy.Listener.Compound(
                        AgentBuilder.RedefinitionStrategy.Listener.BatchReallocator.splitting(),
                        new AgentBuilder.RedefinitionStrategy.Listener.Adapter() {
                            @Override
                            public Iterable<? extends List<Class<?>>> onError(int index, List<Class<?>> batch, Throwable error,
                                                                               List<Class<?>> types) {
                                if (batch.size() == 1) EngineHandler.report(engine, reported, batch.get(0).getName(), error);
                                return List.of();
                            }
                        }))
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .ignore(nameStartsWith("dev.veil.").or(nameStartsWith("net.bytebuddy.")).or(nameStartsWith("sun.reflect."))
                        .or(nameStartsWith("jdk.internal.reflect.")).or(isSynthetic()))
                .with(new AgentBuilder.Listener.Adapter() {
                    @Override
                    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
                        EngineHandler.report(engine, reported, typeName, error);
                    }
                });
        for (InstrumentationModule m : MODULES) {
            builder = m.extend(builder);
        }
        builder.installOn(inst);
    }

    /**
     * Lets the JDK modules we instrument read the bridge (inlined advice calls it) and opens their
     * internal packages to the engine, so users never need {@code --add-opens}.
     */
    private static void openJdkPackages(Instrumentation inst) {
        Module bridge = Bridge.class.getModule();
        Module engine = Installer.class.getModule();
        for (InstrumentationModule m : MODULES) {
            for (Map.Entry<String, Set<String>> e : m.jdkPackages().entrySet()) {
                Optional<Module> target = ModuleLayer.boot().findModule(e.getKey());
                if (target.isEmpty()) continue;
                Map<String, Set<Module>> opens = new HashMap<>();
                for (String pkg : e.getValue()) {
                    if (target.get().getPackages().contains(pkg)) opens.put(pkg, Set.of(engine, bridge));
                }
                inst.redefineModule(target.get(), Set.of(bridge), Map.of(), opens, Set.of(), Map.of());
            }
        }
    }
}
