package dev.veil.rules;

/** {@code - jdbc: ..., user: ..., read-only: ..., statement-rate: ...}. */
public final class JdbcGrant implements Grant {
    private final JdbcPattern jdbc;
    private final String user;
    private final boolean readOnly;
    private final Rate statementRate;
    private final String location;

    public JdbcGrant(JdbcPattern jdbc, String user, boolean readOnly, Rate statementRate, String location) {
        this.jdbc = jdbc;
        this.user = user;
        this.readOnly = readOnly;
        this.statementRate = statementRate;
        this.location = location;
    }

    public JdbcPattern jdbc() { return jdbc; }
    /** The database user the credential may log in as; null means any. */
    public String user() { return user; }
    public boolean readOnly() { return readOnly; }
    /** Statements per period over all connections opened under this grant, per agent; null means unlimited. */
    public Rate statementRate() { return statementRate; }
    @Override public String location() { return location; }
    @Override public String toString() { return "jdbc " + jdbc; }
}
