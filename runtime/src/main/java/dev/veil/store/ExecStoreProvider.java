package dev.veil.store;

import dev.veil.rules.StoreSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code type: exec}: runs a command (argv template with {@code {ref}}) whose stdout is the value.
 * Options: {@code command} (required, no shell) and {@code timeout} (default 5s).
 */
public final class ExecStoreProvider implements SecretStoreProvider {
    private static volatile UnaryOperator<String> stderrScrubber = UnaryOperator.identity();

    /**
     * Sets what every exec store passes a failed command's stderr through before quoting it in an
     * error (the engine installs its scrubber here). Identity until set.
     */
    public static void setStderrScrubber(UnaryOperator<String> scrubber) {
        stderrScrubber = Objects.requireNonNull(scrubber);
    }

    static UnaryOperator<String> stderrScrubber() { return stderrScrubber; }

    @Override public String type() { return "exec"; }

    @Override public Map<String, OptionKind> options() {
        return Map.of("command", OptionKind.STRING_LIST, "timeout", OptionKind.DURATION);
    }

    @Override public Set<String> required() { return Set.of("command"); }

    @Override public SecretStore open(StoreSpec spec) throws StoreException {
        @SuppressWarnings("unchecked")
        List<String> command = spec.option("command", List.class);
        Duration timeout = spec.option("timeout", Duration.class);
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new StoreException("store '" + spec.name() + "': command must name a program to run");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new StoreException("store '" + spec.name() + "': timeout must be more than zero");
        }
        return new ExecStore(spec.name(), command, timeout == null ? ExecStore.DEFAULT_TIMEOUT : timeout,
                ExecStoreProvider::stderrScrubber);
    }
}
