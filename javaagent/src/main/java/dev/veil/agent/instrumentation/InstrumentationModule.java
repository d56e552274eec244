package dev.veil.agent.instrumentation;

import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;

/** One instrumented library: the transformations it adds, and the JDK packages its advice needs opened. */
public interface InstrumentationModule {
    /** Adds this library's {@code type(...).transform(...)} rules. */
    AgentBuilder extend(AgentBuilder builder);

    /** JDK module name to the packages of it the advice touches; empty for libraries outside the JDK. */
    default Map<String, Set<String>> jdkPackages() {
        return Map.of();
    }
}
