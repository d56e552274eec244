package dev.veil.it.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import com.mysql.cj.jdbc.MysqlDataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.mariadb.jdbc.MariaDbPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The application under the agent: opens connections the way it is told, with whatever credentials
 * (placeholders) it is given, and runs SQL. Each argument is {@code label|via|url|user|password|sql...};
 * each outcome is printed as {@code label CONNECTED}, {@code label#i OK <first value>} or
 * {@code label ... ERR <SQLState> <message>}. SQL prefixes choose the statement path:
 * {@code prep:}, {@code call:}, {@code native:}, {@code batch:}, {@code update:}, {@code large:} (executeLargeUpdate),
 * {@code setrw:}; none is Statement.execute.
 * With {@code -Djdbcapp.verbose=true} it also shows what could leak a password: pgjdbc's own logging (JUL, FINEST)
 * and DriverManager's log on stderr, {@code label SHOW} with the connection's and pool's toString, the URL the
 * driver reports and whether that URL, as the application reads it, holds a placeholder, and the full stack trace
 * of every failure.
 */
public final class JdbcApp {
    static final boolean VERBOSE = Boolean.getBoolean("jdbcapp.verbose");
    /** Held: JUL keeps loggers only weakly, and a collected one forgets its level and handler. */
    static final java.util.logging.Logger PGJDBC = java.util.logging.Logger.getLogger("org.postgresql");

    public static void main(String[] args) throws Exception {
        if (VERBOSE) {
            PGJDBC.setLevel(java.util.logging.Level.FINEST);
            java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
            handler.setLevel(java.util.logging.Level.ALL);
            PGJDBC.addHandler(handler);
            DriverManager.setLogWriter(new java.io.PrintWriter(System.err, true));
        }
        for (String arg : args) {
            String[] a = arg.split("\\|", -1);
            for (int i = 3; i <= 4; i++) if (a[i].isEmpty()) a[i] = null; // no user / password
            run(a);
        }
        System.out.flush();
    }

    private static void run(String[] a) {
        String label = a[0];
        List<String> sqls = Arrays.asList(a).subList(5, a.length);
        try (AutoCloseable pool = pool(a[1], a[2], a[3], a[4]); Connection c = connect(pool, a[1], a[2], a[3], a[4])) {
            System.out.println(label + " CONNECTED");
            if (VERBOSE) {
                // Printed output is scrubbed whatever the URL holds; whether the application itself reads the placeholder back is shown apart.
                String reported = c.getMetaData().getURL();
                System.out.println(label + " SHOW " + c + " | " + reported + " | " + pool + " | the reported URL "
                        + (reported != null && reported.contains("veil:") ? "holds the placeholder" : "holds no placeholder"));
            }
            for (int i = 0; i < sqls.size(); i++) {
                try {
                    System.out.println(label + "#" + i + " OK " + execute(c, sqls.get(i)));
                } catch (SQLException e) {
                    System.out.println(label + "#" + i + " ERR " + e.getSQLState() + " " + e.getMessage());
                    if (VERBOSE) e.printStackTrace(System.out);
                }
            }
        } catch (Exception e) {
            SQLException s = sqlException(e);
            System.out.println(label + " ERR " + (s == null ? e.getClass().getName() : s.getSQLState()) + " " + (s == null ? e.getMessage() : s.getMessage()));
            if (VERBOSE) e.printStackTrace(System.out);
        }
    }

    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof SQLException) return (SQLException) t;
        return null;
    }

    /** A pool for the hikari* and mariapool paths (closed after the scenario), else nothing. */
    private static AutoCloseable pool(String via, String url, String user, String password) throws SQLException {
        if (via.equals("mariapool")) {
            MariaDbPoolDataSource pool = new MariaDbPoolDataSource(url);
            pool.setUser(user);
            pool.setPassword(password);
            return pool;
        }
        if (!via.startsWith("hikari")) return () -> { };
        HikariConfig config = new HikariConfig();
        if (via.equals("hikari")) {
            config.setJdbcUrl(url);
        } else {
            config.setDataSourceClassName(via.substring("hikari-ds:".length()));
            config.addDataSourceProperty("url", url);
        }
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(2);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5000);
        return new HikariDataSource(config);
    }

    private static Connection connect(AutoCloseable pool, String via, String url, String user, String password) throws SQLException {
        switch (via) {
            case "dm":
                return DriverManager.getConnection(url, user, password);
            case "h2ds": {
                JdbcDataSource ds = new JdbcDataSource();
                ds.setURL(url);
                return ds.getConnection(user, password);
            }
            case "h2xa": {
                // A handle of H2's XA pool: a copy of the connection the data source opened, on its session.
                JdbcDataSource ds = new JdbcDataSource();
                ds.setURL(url);
                return ds.getXAConnection(user, password).getConnection();
            }
            case "sqliteds": {
                SQLiteDataSource ds = new SQLiteDataSource();
                ds.setUrl(url);
                return ds.getConnection(user, password);
            }
            case "mariads": {
                MariaDbDataSource ds = new MariaDbDataSource(url);
                return user == null ? ds.getConnection() : ds.getConnection(user, password);
            }
            case "mariapool":
                return ((MariaDbPoolDataSource) pool).getConnection();
            case "mysqlds": {
                MysqlDataSource ds = new MysqlDataSource();
                ds.setUrl(url);
                ds.setUser(user);
                ds.setPassword(password);
                return ds.getConnection();
            }
            case "pgds": {
                PGSimpleDataSource ds = new PGSimpleDataSource();
                ds.setURL(url);
                ds.setUser(user);
                ds.setPassword(password);
                return ds.getConnection();
            }
            default:
                return ((HikariDataSource) pool).getConnection();
        }
    }

    private static String execute(Connection c, String sql) throws SQLException {
        int colon = sql.indexOf(':');
        String kind = colon > 0 && sql.substring(0, colon).matches("[a-z]+") ? sql.substring(0, colon) : "";
        String text = kind.isEmpty() ? sql : sql.substring(colon + 1);
        switch (kind) {
            case "prep":
                try (PreparedStatement p = c.prepareStatement(text)) {
                    return p.execute() ? first(p.getResultSet()) : "updated " + p.getUpdateCount();
                }
            case "call":
                try (PreparedStatement p = c.prepareCall(text)) {
                    return p.execute() ? first(p.getResultSet()) : "updated " + p.getUpdateCount();
                }
            case "native":
                return c.nativeSQL(text);
            case "batch":
                try (Statement s = c.createStatement()) {
                    s.addBatch(text);
                    return "batch " + Arrays.toString(s.executeBatch());
                }
            case "update":
                try (Statement s = c.createStatement()) {
                    return "updated " + s.executeUpdate(text);
                }
            case "large":
                try (Statement s = c.createStatement()) {
                    return "updated " + s.executeLargeUpdate(text);
                }
            case "setrw":
                c.setReadOnly(false);
                return "readOnly=" + c.isReadOnly();
            default:
                try (Statement s = c.createStatement()) {
                    return s.execute(text) ? first(s.getResultSet()) : "updated " + s.getUpdateCount();
                }
        }
    }

    private static String first(ResultSet rs) throws SQLException {
        try (rs) {
            return rs.next() ? rs.getString(1) : "<no rows>";
        }
    }
}
