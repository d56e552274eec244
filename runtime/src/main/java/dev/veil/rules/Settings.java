package dev.veil.rules;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Agent settings from {@code -javaagent:veil-agent.jar=rules=...,agent=...}; each key can also be a system
 * property ({@code -Dveil.rules=}) or an environment variable ({@code VEIL_RULES}). Agent arguments win,
 * then system properties, then the environment.
 */
public final class Settings {
    public static final Set<String> KEYS = Set.of("rules", "agent");
    /** The agent name used when none is configured; credentials limited to named agents never match it. */
    public static final String DEFAULT_AGENT = "default";

    private final String rules;
    private final String agent;

    private Settings(String rules, String agent) {
        this.rules = rules;
        this.agent = agent;
    }

    /** Path of the rules file, or null for scrub-only mode. */
    public String rules() { return rules; }
    public String agent() { return agent; }

    public static Settings resolve(String agentArgs, Map<String, String> systemProperties, Map<String, String> env) {
        Map<String, String> args = parseArgs(agentArgs);
        return new Settings(pick("rules", args, systemProperties, env),
                orDefault(pick("agent", args, systemProperties, env)));
    }

    private static String orDefault(String agent) {
        return agent == null ? DEFAULT_AGENT : agent;
    }

    private static String pick(String key, Map<String, String> args, Map<String, String> props, Map<String, String> env) {
        String v = args.get(key);
        if (isBlank(v)) v = props.get("veil." + key);
        if (isBlank(v)) v = env.get("VEIL_" + key.toUpperCase(Locale.ROOT));
        return isBlank(v) ? null : v.trim();
    }

    private static boolean isBlank(String s) {
        return s == null || s.trim().isEmpty();
    }

    /** {@code key=value,key=value}; an unknown key or a pair without '=' is an error naming it. */
    static Map<String, String> parseArgs(String agentArgs) {
        Map<String, String> out = new LinkedHashMap<>();
        if (agentArgs == null || agentArgs.trim().isEmpty()) return out;
        for (String pair : agentArgs.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
            if (eq < 0 || !KEYS.contains(key)) {
                throw new IllegalArgumentException("bad agent argument '" + key + "': expected key=value with key one of "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)) + " (e.g. rules=/etc/veil/rules.yaml,agent=research-agent)");
            }
            out.put(key, pair.substring(eq + 1).trim());
        }
        return out;
    }
}
