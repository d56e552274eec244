package dev.veil;

import dev.veil.rules.Problem;
import dev.veil.rules.Rules;
import dev.veil.rules.RulesException;
import dev.veil.rules.RulesLoader;
import dev.veil.rules.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The engine as the agent sees it. Later the bootstrap bridge forwards intercepted calls here;
 * everything it takes and returns is a JDK type.
 */
public final class Engine {
    private static volatile Engine current;

    private final Settings settings;
    private final Rules rules;

    private Engine(Settings settings, Rules rules) {
        this.settings = settings;
        this.rules = rules;
    }

    /** The running engine, or null before {@link #start}. */
    public static Engine current() { return current; }

    public Settings settings() { return settings; }
    public Rules rules() { return rules; }

    /**
     * Resolves the settings, loads the rules and prints one status line (and any rules problems) to
     * {@code err}. A broken rules file never stops the application: Veil reports it and runs scrub-only.
     */
    @SuppressWarnings("unchecked")
    public static Engine start(String agentArgs, PrintStream err) {
        Settings settings;
        try {
            settings = Settings.resolve(agentArgs, (java.util.Map<String, String>) (java.util.Map<?, ?>) System.getProperties(), System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("veil: " + e.getMessage());
            settings = Settings.resolve(null, (java.util.Map<String, String>) (java.util.Map<?, ?>) System.getProperties(), System.getenv());
        }
        Rules rules = load(settings, err);
        Engine engine = new Engine(settings, rules);
        current = engine;
        return engine;
    }

    private static Rules load(Settings settings, PrintStream err) {
        if (settings.rules() == null) {
            err.println("veil: no rules file given (rules=, -Dveil.rules or VEIL_RULES); scrub-only mode with the built-in detectors");
            return RulesLoader.scrubOnly();
        }
        Path file = Paths.get(settings.rules());
        try {
            Rules rules = RulesLoader.load(file);
            err.println("veil: rules " + file + " loaded: " + rules.credentials().size() + " credential(s), "
                    + rules.stores().size() + " store(s); agent " + settings.agent());
            return rules;
        } catch (RulesException e) {
            for (Problem p : e.problems()) err.println("veil: " + p);
            err.println("veil: rules " + file + " not loaded (" + e.problems().size() + " problem(s)); scrub-only mode, every placeholder will be denied");
        } catch (IOException e) {
            err.println("veil: cannot read rules " + file + " (" + e.getClass().getSimpleName() + "); scrub-only mode, every placeholder will be denied");
        }
        return RulesLoader.scrubOnly();
    }
}
