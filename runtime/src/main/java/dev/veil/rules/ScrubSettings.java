package dev.veil.rules;

import java.util.List;
import java.util.regex.Pattern;

/** {@code scrub:}: whether the built-in detectors run, and extra named patterns. */
public final class ScrubSettings {
    /** A user-defined detector: matches become {@code [REDACTED:<name>]}. */
    public static final class NamedPattern {
        private final String name;
        private final Pattern regex;

        public NamedPattern(String name, Pattern regex) {
            this.name = name;
            this.regex = regex;
        }

        public String name() { return name; }
        public Pattern regex() { return regex; }
    }

    private final boolean builtinDetectors;
    private final List<NamedPattern> patterns;

    public ScrubSettings(boolean builtinDetectors, List<NamedPattern> patterns) {
        this.builtinDetectors = builtinDetectors;
        this.patterns = List.copyOf(patterns);
    }

    public boolean builtinDetectors() { return builtinDetectors; }
    public List<NamedPattern> patterns() { return patterns; }
}
