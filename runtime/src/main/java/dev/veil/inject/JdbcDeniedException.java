package dev.veil.inject;

import java.sql.SQLException;

/**
 * A JDBC connection or statement Veil refused (SQLState 28000, or 25006 for a write under a read-only grant); the
 * message names credential, destination, agent and reason, never a value. Its own type, so that a retry after a
 * database's authentication failure never mistakes Veil's refusal for the database's.
 */
public final class JdbcDeniedException extends SQLException {
    public JdbcDeniedException(String message, String sqlState) {
        super(message, sqlState);
    }
}
