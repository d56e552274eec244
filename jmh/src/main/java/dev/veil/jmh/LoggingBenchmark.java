package dev.veil.jmh;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.OutputStreamAppender.Builder;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-event cost of a pattern layout (Logback, Log4j2) or SimpleFormatter (JUL) writing to a stream that
 * discards the bytes, so the layout and Veil's hooks run but no I/O is measured. {@link WithAgent} and
 * {@link WithoutAgent} run the same benchmarks in forks with and without {@code -javaagent}; compare their
 * scores. Run from the repository root (the agent path is relative): see README "Benchmarks".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class LoggingBenchmark {
    private static final String PATTERN = "%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n";
    private static final Exception FAILURE = new IllegalStateException("upstream call failed", new java.io.IOException("connection reset"));

    private ch.qos.logback.classic.Logger logback;
    private Logger log4j2;
    private java.util.logging.Logger jul;

    @Setup
    public void setUp() {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ctx.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> sink = new OutputStreamAppender<>();
        sink.setContext(ctx);
        sink.setEncoder(encoder);
        sink.setOutputStream(OutputStream.nullOutputStream());
        sink.start();
        logback = ctx.getLogger("bench");
        logback.setAdditive(false);
        logback.addAppender(sink);

        org.apache.logging.log4j.core.LoggerContext l4j = Configurator.initialize(
                org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory.newConfigurationBuilder().build());
        org.apache.logging.log4j.core.appender.OutputStreamAppender appender = new Builder<>().setName("null")
                .setTarget(OutputStream.nullOutputStream())
                .setLayout(PatternLayout.newBuilder().withPattern(PATTERN).build()).build();
        appender.start();
        log4j2 = l4j.getLogger("bench");
        log4j2.setAdditive(false);
        log4j2.addAppender(appender);
        log4j2.setLevel(org.apache.logging.log4j.Level.INFO);

        jul = java.util.logging.Logger.getLogger("bench");
        jul.setUseParentHandlers(false);
        jul.addHandler(new StreamHandler(OutputStream.nullOutputStream(), new SimpleFormatter()));
    }

    @Benchmark
    public void logbackMessage() {
        logback.info("order {} shipped to {} in {} ms", 1234, "warehouse-7", 42);
    }

    @Benchmark
    public void logbackException() {
        logback.warn("order {} failed", 1234, FAILURE);
    }

    @Benchmark
    public void log4j2Message() {
        log4j2.info("order {} shipped to {} in {} ms", 1234, "warehouse-7", 42);
    }

    @Benchmark
    public void log4j2Exception() {
        log4j2.warn("order {} failed", 1234, FAILURE);
    }

    @Benchmark
    public void julMessage() {
        jul.log(Level.INFO, "order {0} shipped to {1} in {2} ms", new Object[] {1234, "warehouse-7", 42});
    }

    @Benchmark
    public void julException() {
        jul.log(Level.WARNING, "order 1234 failed", FAILURE);
    }

    @org.openjdk.jmh.annotations.Fork(value = 1, jvmArgsAppend = "-javaagent:javaagent/target/veil-agent.jar")
    public static class WithAgent extends LoggingBenchmark {}

    @org.openjdk.jmh.annotations.Fork(1)
    public static class WithoutAgent extends LoggingBenchmark {}
}
