package dev.veil.inject;

import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Whether a failed JDBC connect is the database refusing the login, anywhere in the cause chain: SQLState class 28
 * (invalid authorization: PostgreSQL 28P01, H2 and MySQL 28000, MariaDB 28xxx) or a vendor code meaning a wrong
 * password (MySQL/MariaDB 1045, SQL Server 18456, Oracle 1017, 17079, 9911). Drivers that wrap it in their own
 * non-SQLException type (MySQL's CJException with autoReconnect) are read through their public
 * {@code getSQLState()} and {@code getVendorCode()}/{@code getErrorCode()}. Veil's own refusals
 * ({@link JdbcDeniedException}, SQLState 28000 too) are never the database's.
 */
public final class AuthFailures {
    private static final int MAX_DEPTH = 32;

    private AuthFailures() {}

    public static boolean isAuthFailure(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.size() < MAX_DEPTH && seen.add(t); t = t.getCause()) {
            if (t instanceof JdbcDeniedException) return false;
            if (t instanceof SQLException) {
                SQLException e = (SQLException) t;
                if (refused(e.getSQLState(), e.getErrorCode())) return true;
            } else if (refused(text(t, "getSQLState"), number(t, "getVendorCode", "getErrorCode"))) {
                return true;
            }
        }
        return false;
    }

    static boolean refused(String sqlState, int vendorCode) {
        if (sqlState != null && sqlState.startsWith("28")) return true;
        switch (vendorCode) {
            case 1045:  // MySQL, MariaDB: access denied
            case 18456: // SQL Server: login failed
            case 1017:  // Oracle ORA-01017: invalid username/password
            case 17079: // Oracle JDBC: invalid user credentials
            case 9911:  // Oracle ORA-09911: incorrect user password
                return true;
            default:
                return false;
        }
    }

    private static String text(Throwable t, String getter) {
        Object v = call(t, getter);
        return v instanceof String ? (String) v : null;
    }

    private static int number(Throwable t, String... getters) {
        for (String getter : getters) {
            Object v = call(t, getter);
            if (v instanceof Integer) return (Integer) v;
        }
        return 0;
    }

    /** A public no-argument getter of a driver's own exception type, if it has one. */
    private static Object call(Throwable t, String getter) {
        try {
            Method m = t.getClass().getMethod(getter);
            return m.getParameterCount() == 0 ? m.invoke(t) : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
