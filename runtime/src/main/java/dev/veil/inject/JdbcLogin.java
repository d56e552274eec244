package dev.veil.inject;

import dev.veil.policy.Decision;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A JDBC login after injection: what the driver gets, and the decisions it was made under. Holds real values, so
 * it is handed only to the driver and never printed: {@link #toString()} shows no value.
 */
public final class JdbcLogin {
    /** The login as the application gave it, placeholders and all: a retry injects into it again. */
    static final class Given {
        final String url;
        final Properties info;
        final String user;
        final String password;

        Given(String url, Properties info, String user, String password) {
            this.url = url;
            this.info = info;
            this.user = user;
            this.password = password;
        }
    }

    private final String url;
    private final Properties info;
    private final String user;
    private final String password;
    private final Given given;
    private final List<Decision> decisions;
    private final Map<String, String> values;
    /** Null when statements need no check. */
    private final StatementGuard guard;
    /** Set on logins made by a retry: the retries of the connect they belong to. */
    LoginRetry.Attempts attempts;

    JdbcLogin(String url, Properties info, String user, String password, Given given, List<Decision> decisions,
              Map<String, String> values, StatementGuard.Shared guards) {
        this.url = url;
        this.info = info;
        this.user = user;
        this.password = password;
        this.given = given;
        this.decisions = List.copyOf(decisions);
        this.values = Map.copyOf(values);
        this.guard = guards.of(this.decisions);
    }

    public String url() { return url; }
    /** A copy of the application's properties with placeholders swapped; null if it gave none. */
    public Properties info() { return info; }
    public String user() { return user; }
    public String password() { return password; }
    /** What checking statements on the connection needs: null if they need no check (not read-only, no statement rate). */
    public StatementGuard guard() { return guard; }
    /** The (first) credential used, for messages. */
    public String credential() { return decisions.get(0).credentialName(); }
    /** The destination without user-info or properties. */
    public String destination() { return decisions.get(0).destination(); }
    /** The retries this login was made by, or null for a first attempt. */
    public LoginRetry.Attempts attempts() { return attempts; }

    Given given() { return given; }
    List<Decision> decisions() { return decisions; }
    /** Real value by placeholder. */
    Map<String, String> values() { return values; }

    /** Whether {@code other} carries the same real values (a retry with them would be refused again). */
    boolean sameValues(JdbcLogin other) { return values.equals(other.values); }

    @Override public String toString() {
        return "jdbc login with credential '" + credential() + "' for " + destination() + (guard != null && guard.readOnly() ? " (read-only)" : "");
    }
}
