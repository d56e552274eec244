package dev.veil.inject;

import java.util.Properties;

/**
 * A JDBC login after injection: what the driver gets, and whether the grant was read-only. Holds real
 * values, so it is handed only to the driver and never printed: {@link #toString()} shows no value.
 */
public final class JdbcLogin {
    private final String url;
    private final Properties info;
    private final String user;
    private final String password;
    private final boolean readOnly;
    private final String credential;
    private final String destination;

    JdbcLogin(String url, Properties info, String user, String password, boolean readOnly, String credential, String destination) {
        this.url = url;
        this.info = info;
        this.user = user;
        this.password = password;
        this.readOnly = readOnly;
        this.credential = credential;
        this.destination = destination;
    }

    public String url() { return url; }
    /** A copy of the application's properties with placeholders swapped; null if it gave none. */
    public Properties info() { return info; }
    public String user() { return user; }
    public String password() { return password; }
    public boolean readOnly() { return readOnly; }
    /** The (first) credential used, for messages. */
    public String credential() { return credential; }
    /** The destination without user-info or properties. */
    public String destination() { return destination; }

    @Override public String toString() {
        return "jdbc login with credential '" + credential + "' for " + destination + (readOnly ? " (read-only)" : "");
    }
}
