package dev.veil.it.logs;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.logging.ConsoleHandler;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import java.util.logging.XMLFormatter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Child application: {@code <framework> <dir>} logs the whole leak-hunt corpus through one real framework,
 * each layout to a file in {@code dir}, to the console and to an in-memory stream (saved at the end); {@code benign <dir>} logs the false-positive corpus.
 * Before logging it obtains the registered values the way an HTTP hook does (see {@link LeakCorpus#registerValues}).
 */
public final class LeakHuntApp {
    /** Logs one case: its id, where the secret sits, and the text there. */
    interface Sink {
        void log(String id, String position, String text);
    }

    public static void main(String[] args) throws Exception {
        String framework = args[0];
        Path dir = Paths.get(args[1]);
        if (framework.equals("benign")) {
            benign(dir);
            return;
        }
        LeakCorpus.registerValues();
        List<LeakCorpus.Case> cases = LeakCorpus.cases(framework, layouts(framework));
        Map<String, ByteArrayOutputStream> streams = new HashMap<>();
        for (String layout : layouts(framework)) streams.put(layout, new ByteArrayOutputStream());
        Runnable close = switch (framework) {
            case "logback" -> logback(dir, cases, streams);
            case "log4j2" -> log4j2(dir, cases, streams);
            case "jul" -> jul(dir, cases, streams);
            default -> throw new IllegalArgumentException(framework);
        };
        close.run();
        // What the application read back from its in-memory streams (to hand to an LLM, say), kept for the test.
        for (Map.Entry<String, ByteArrayOutputStream> e : streams.entrySet()) {
            Files.write(dir.resolve(framework + "-" + e.getKey() + "-stream.log"), e.getValue().toByteArray());
        }
        System.out.println("DONE " + cases.size());
    }

    static List<String> layouts(String framework) {
        return framework.equals("jul") ? List.of("pattern", "xml") : List.of("pattern", "json");
    }

    private static void logAll(List<LeakCorpus.Case> cases, BiConsumer<LeakCorpus.Case, String> log) {
        for (LeakCorpus.Case c : cases) log.accept(c, LeakCorpus.around(c.secret().logged()));
    }

    private static Runnable logback(Path dir, List<LeakCorpus.Case> cases, Map<String, ByteArrayOutputStream> streams) {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ctx.start();
        for (String layout : layouts("logback")) {
            ch.qos.logback.classic.Logger logger = ctx.getLogger(layout);
            logger.setAdditive(false);
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(dir.resolve("logback-" + layout + ".log").toString());
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            OutputStreamAppender<ILoggingEvent> stream = new OutputStreamAppender<>();
            stream.setOutputStream(streams.get(layout));
            for (OutputStreamAppender<ILoggingEvent> a : List.of(file, console, stream)) {
                a.setContext(ctx);
                a.setName(layout + a.getClass().getSimpleName());
                a.setEncoder(logbackEncoder(ctx, layout));
                a.start();
                logger.addAppender(a);
            }
        }
        logAll(cases, (c, text) -> {
            ch.qos.logback.classic.Logger logger = ctx.getLogger(c.layout());
            String msg = "case=" + c.id();
            switch (c.position()) {
                case "message" -> logger.info(msg + " " + text);
                case "argument" -> logger.info("case={} {}", c.id(), text);
                case "mdc" -> {
                    ctx.getMDCAdapter().put("secret", text);
                    logger.info(msg);
                    ctx.getMDCAdapter().remove("secret");
                }
                default -> logger.error(msg, LeakCorpus.exception(c.position(), text));
            }
        });
        return ctx::stop;
    }

    private static Encoder<ILoggingEvent> logbackEncoder(LoggerContext ctx, String layout) {
        if (layout.equals("json")) {
            JsonEncoder e = new JsonEncoder();
            e.setContext(ctx);
            e.start();
            return e;
        }
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern("EVT|%msg|%X{secret}%n%ex");
        e.start();
        return e;
    }

    private static Runnable log4j2(Path dir, List<LeakCorpus.Case> cases, Map<String, ByteArrayOutputStream> streams) {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        for (String layout : layouts("log4j2")) {
            var l = layout.equals("json")
                    ? b.newLayout("JsonTemplateLayout").addAttribute("eventTemplateUri", "classpath:EcsLayout.json")
                    : b.newLayout("PatternLayout").addAttribute("pattern", "EVT|%m|%X{secret}%n%ex");
            b.add(b.newAppender(layout + "-file", "File").addAttribute("fileName", dir.resolve("log4j2-" + layout + ".log").toString()).add(l));
            // The JSON console writes straight to the file descriptor (direct=true), the pattern one through System.out.
            b.add(b.newAppender(layout + "-console", "Console").addAttribute("target", "SYSTEM_OUT")
                    .addAttribute("direct", layout.equals("json")).add(l));
            b.add(b.newLogger(layout, org.apache.logging.log4j.Level.INFO).addAttribute("additivity", false)
                    .add(b.newAppenderRef(layout + "-file")).add(b.newAppenderRef(layout + "-console")));
        }
        org.apache.logging.log4j.core.LoggerContext ctx = Configurator.initialize(b.build());
        Configuration config = ctx.getConfiguration();
        for (String layout : layouts("log4j2")) {
            Appender stream = org.apache.logging.log4j.core.appender.OutputStreamAppender.newBuilder().setName(layout + "-stream").setTarget(streams.get(layout))
                    .setLayout(config.<AbstractOutputStreamAppender<?>>getAppender(layout + "-file").getLayout()).build();
            stream.start();
            config.getLoggerConfig(layout).addAppender(stream, null, null);
        }
        ctx.updateLoggers();
        logAll(cases, (c, text) -> {
            org.apache.logging.log4j.Logger logger = LogManager.getLogger(c.layout());
            String msg = "case=" + c.id();
            switch (c.position()) {
                case "message" -> logger.info(msg + " " + text);
                case "argument" -> logger.info("case={} {}", c.id(), text);
                case "mdc" -> {
                    ThreadContext.put("secret", text);
                    logger.info(msg);
                    ThreadContext.remove("secret");
                }
                default -> logger.error(msg, LeakCorpus.exception(c.position(), text));
            }
        });
        return () -> Configurator.shutdown(ctx);
    }

    private static Runnable jul(Path dir, List<LeakCorpus.Case> cases, Map<String, ByteArrayOutputStream> streams) throws IOException {
        System.setProperty("java.util.logging.SimpleFormatter.format", "EVT|%5$s|%n%6$s");
        List<Handler> handlers = new java.util.ArrayList<>();
        // LogManager holds loggers weakly: without these references one can be collected, handlers and all, before use.
        Map<String, java.util.logging.Logger> loggers = new HashMap<>();
        for (String layout : layouts("jul")) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger("corpus." + layout);
            loggers.put(layout, logger);
            logger.setUseParentHandlers(false);
            Formatter f = layout.equals("xml") ? new XMLFormatter() : new SimpleFormatter();
            for (Handler h : List.of(new FileHandler(dir.resolve("jul-" + layout + ".log").toString()), new ConsoleHandler(),
                    new StreamHandler(streams.get(layout), f))) {
                h.setFormatter(f);
                logger.addHandler(h);
                handlers.add(h);
            }
        }
        logAll(cases, (c, text) -> {
            java.util.logging.Logger logger = loggers.get(c.layout());
            String msg = "case=" + c.id();
            switch (c.position()) {
                case "message" -> logger.info(msg + " " + text);
                case "argument" -> logger.log(Level.INFO, "case={0} {1}", new Object[] {c.id(), text});
                default -> logger.log(Level.SEVERE, msg, LeakCorpus.exception(c.position(), text));
            }
        });
        return () -> handlers.forEach(Handler::close);
    }

    /** The false-positive corpus, one line per event, through Logback's pattern layout to a file. */
    private static void benign(Path dir) {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ctx.start();
        ch.qos.logback.classic.Logger logger = ctx.getLogger("benign");
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(ctx);
        file.setFile(dir.resolve("benign.log").toString());
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern("%msg%n");
        e.start();
        file.setEncoder(e);
        file.start();
        logger.addAppender(file);
        for (String line : BenignLines.generate(BenignLines.COUNT)) logger.info(line);
        ctx.stop();
        System.out.println("DONE " + BenignLines.COUNT);
    }
}
