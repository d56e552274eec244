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
import dev.veil.agent.instrumentation.stdio.StdioRewrite;
import dev.veil.agent.instrumentation.throwable.ThrowableRewrite;
import dev.veil.agent.instrumentation.urlconnection.UrlConnectionModule;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Starts the engine, connects the bridge and installs every library's instrumentation. */
public final class Installer {
    /** One entry per instrumented library, transformed with Byte Buddy once a class of it appears. */
    static final List<Candidates> MODULES = List.of(
            Candidates.of(UrlConnectionModule.class).named("sun.net.www.http.HttpClient", "sun.net.www.protocol.http.HttpURLConnection"),
            Candidates.of(JdkHttpModule.class).named("jdk.internal.net.http.Http1Request", "jdk.internal.net.http.Stream",
                    "jdk.internal.net.http.MultiExchange", "jdk.internal.net.http.HttpResponseImpl", "jdk.internal.net.http.HttpClientImpl"),
            Candidates.of(OkHttpModule.class).named("okhttp3.internal.http.RealInterceptorChain"),
            Candidates.of(ApacheHttp4Module.class).named("org.apache.http.protocol.HttpRequestExecutor",
                    "org.apache.http.impl.io.AbstractMessageParser", "org.apache.http.impl.client.InternalHttpClient",
                    "org.apache.http.impl.client.MinimalHttpClient", "org.apache.http.impl.client.DefaultHttpRequestRetryHandler"),
            Candidates.of(ApacheHttp5Module.class).named("org.apache.hc.core5.http.impl.io.HttpRequestExecutor",
                    "org.apache.hc.core5.http.impl.nio.ClientHttp1StreamHandler", "org.apache.hc.client5.http.impl.async.HttpAsyncMainClientExec",
                    "org.apache.hc.core5.http.impl.io.AbstractMessageParser", "org.apache.hc.core5.http.impl.nio.AbstractMessageParser",
                    "org.apache.hc.client5.http.impl.classic.InternalHttpClient", "org.apache.hc.client5.http.impl.classic.MinimalHttpClient",
                    "org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy"),
            Candidates.of(JdbcModule.class).named("org.h2.jdbc.JdbcConnection", "org.h2.jdbcx.JdbcDataSource", "org.sqlite.JDBC",
                            "org.sqlite.jdbc3.JDBC3Statement", "org.mariadb.jdbc.Driver", "org.mariadb.jdbc.NonRegisteringDriver")
                    .declaring(List.of("connect(Ljava/lang/String;Ljava/util/Properties;)", "setReadOnly(Z)",
                            "prepareStatement(Ljava/lang/String;", "prepareCall(Ljava/lang/String;", "nativeSQL(Ljava/lang/String;",
                            "execute(Ljava/lang/String;", "executeQuery(Ljava/lang/String;", "executeUpdate(Ljava/lang/String;",
                            "executeLargeUpdate(Ljava/lang/String;", "addBatch(Ljava/lang/String;",
                            "getURL()Ljava/lang/String;", "getUserName()Ljava/lang/String;"),
                            "java.sql.Driver", "java.sql.Connection", "java.sql.Statement", "java.sql.DatabaseMetaData"),
            Candidates.of(LogbackModule.class).declaring(List.of("encode(Ljava/lang/Object;)[B"), "ch.qos.logback.core.encoder.Encoder"),
            Candidates.of(Log4j2Module.class).declaring(List.of("toSerializable(Lorg/apache/logging/log4j/core/LogEvent;)",
                            "encode(Ljava/lang/StringBuilder;"),
                    "org.apache.logging.log4j.core.Layout", "org.apache.logging.log4j.core.layout.Encoder"),
            Candidates.of(JulModule.class).declaring(List.of("format(Ljava/util/logging/LogRecord;)"), "java.util.logging.Formatter"),
            Candidates.of(Slf4jSimpleModule.class).named("org.slf4j.simple.SimpleLogger", "org.slf4j.impl.SimpleLogger"));

    /** JDK classes in use before any application code runs, rewritten with ASM. */
    static final List<ClassRewrite> REWRITES = List.of(
            new ThrowableRewrite(),
            new StdioRewrite());

    private Installer() {}

    public static void install(String args, Instrumentation inst) {
        Engine engine = Engine.start(args, System.err);
        Bridge.install(new EngineHandler(engine));
        openJdkPackages(inst, REWRITES.stream().map(ClassRewrite::jdkPackages).collect(Collectors.toList()));
        Set<String> reported = ConcurrentHashMap.newKeySet();
        VeilTransformer transformer = new VeilTransformer(REWRITES, Candidates.union(MODULES),
                new ByteBuddyModules(MODULES, inst, engine, reported), engine, reported);
        inst.addTransformer(transformer, true);
        retransformLoaded(inst, transformer, engine, reported);
    }

    /**
     * Classes loaded before Veil (the JDK's at start-up, everything after an attach) are retransformed in one
     * batch; a class the JVM refuses is found by retrying one at a time, reported, and the others still done.
     */
    private static void retransformLoaded(Instrumentation inst, VeilTransformer transformer, Engine engine, Set<String> reported) {
        List<Class<?>> wanted = new ArrayList<>();
        for (Class<?> c : transformer.wanted(inst.getAllLoadedClasses())) {
            if (inst.isModifiableClass(c)) wanted.add(c);
        }
        try {
            inst.retransformClasses(wanted.toArray(new Class<?>[0]));
        } catch (Throwable batch) {
            for (Class<?> c : wanted) {
                try {
                    inst.retransformClasses(c);
                } catch (Throwable one) {
                    EngineHandler.report(engine, reported, c.getName(), one);
                }
            }
        }
    }

    /**
     * Lets the JDK modules we instrument read the bridge (inlined advice calls it) and opens their
     * internal packages to the engine, so users never need {@code --add-opens}.
     */
    static void openJdkPackages(Instrumentation inst, List<Map<String, Set<String>>> wanted) {
        Module bridge = Bridge.class.getModule();
        Module engine = Installer.class.getModule();
        for (Map<String, Set<String>> packages : wanted) {
            for (Map.Entry<String, Set<String>> e : packages.entrySet()) {
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
