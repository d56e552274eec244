package dev.veil.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JDBC on an in-memory H2 database with a real password: a DriverManager connect (and close), a HikariCP
 * borrow (and return), and a prepared query by key on a held connection; and a DriverManager connect to the
 * PostgreSQL server {@link JdbcOverhead} starts ({@code -Dveil.bench.pgurl}), a login as a real database costs. {@code password}: {@code real} is
 * the password itself (run without the agent), {@code placeholder} is {@code veil:bench-db}, swapped in by the
 * agent under a read-only grant, so every statement is also classified. {@link JdbcOverhead} runs both and
 * prints the ratios. A placeholder that was not swapped fails the connect, so a wrong setup cannot pass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JdbcBenchmark {
    private static final String URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";

    @Param({"real", "placeholder"})
    public String password;

    private String secret;
    private String pgUrl;
    private HikariDataSource pool;
    private Connection held;
    private int key;

    @Setup
    public void setUp() throws Exception {
        String real = BenchSetup.readRealKey(System.getProperty("veil.bench.realkey"));
        secret = password.equals("real") ? real : BenchSetup.DB_PLACEHOLDER;
        pgUrl = System.getProperty("veil.bench.pgurl");
        // The first connection creates the database and with it user sa's password.
        try (Connection c = DriverManager.getConnection(URL, "sa", real); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("MERGE INTO items KEY (id) VALUES (1, 'apple'), (2, 'pear'), (3, 'plum')");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setUsername("sa");
        config.setPassword(secret);
        config.setMaximumPoolSize(2);
        pool = new HikariDataSource(config);
        held = DriverManager.getConnection(URL, "sa", secret);
    }

    @TearDown
    public void tearDown() throws SQLException {
        held.close();
        pool.close();
    }

    @Benchmark
    public boolean driverManagerConnect() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, "sa", secret)) {
            return c.isReadOnly();
        }
    }

    @Benchmark
    public boolean postgresConnect() throws SQLException {
        if (pgUrl == null) throw new IllegalStateException("no -Dveil.bench.pgurl: run JdbcOverhead, which starts PostgreSQL");
        try (Connection c = DriverManager.getConnection(pgUrl, "bench", secret)) {
            return c.isReadOnly();
        }
    }

    @Benchmark
    public boolean hikariBorrow() throws SQLException {
        try (Connection c = pool.getConnection()) {
            return c.getAutoCommit();
        }
    }

    @Benchmark
    public String preparedQuery() throws SQLException {
        key = key % 3 + 1;
        try (PreparedStatement p = held.prepareStatement("SELECT name FROM items WHERE id = ?")) {
            p.setInt(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
