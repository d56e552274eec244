package dev.veil.it.logs;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child application: {@code <framework> <dir>} logs the leak-hunt corpus through SLF4J simple (whichever version
 * is on the class path, and nothing of Logback or Log4j2) to the file {@code <dir>/<framework>-default.log}.
 */
public final class Slf4jSimpleApp {
    public static void main(String[] args) throws Exception {
        String framework = args[0];
        Path dir = Paths.get(args[1]);
        // Read once, when the first logger is made: the file replaces the System.err default.
        System.setProperty("org.slf4j.simpleLogger.logFile", dir.resolve(framework + "-default.log").toString());
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        LeakCorpus.registerValues();
        List<LeakCorpus.Case> cases = LeakCorpus.cases(framework, List.of("default"));
        Logger logger = LoggerFactory.getLogger("corpus");
        for (LeakCorpus.Case c : cases) {
            String text = LeakCorpus.around(c.secret().logged());
            String msg = "case=" + c.id();
            switch (c.position()) {
                case "message" -> logger.info(msg + " " + text);
                case "argument" -> logger.info("case={} {}", c.id(), text);
                default -> logger.error(msg, LeakCorpus.exception(c.position(), text));
            }
        }
        System.out.println("DONE " + cases.size());
    }
}
