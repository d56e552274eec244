package dev.veil.it.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An agent workload under the agent: a HikariCP pool (configured with a placeholder; on {@code args[0]} as its
 * {@code jdbcUrl}, or as the URL of the DataSource class {@code args[4]} if given) serving a loop of queries
 * until the file {@code args[3]} exists, soft-evicting its connections every few queries so that it keeps opening
 * new ones. Prints each failure, then {@code RESULT ok=<n> failed=<n> slowestMs=<n>} and what the pool and a
 * connection show of themselves. HikariCP logs at DEBUG through Logback's default console configuration.
 */
public final class RotationApp {
    public static void main(String[] args) throws Exception {
        Path stop = Path.of(args[3]);
        HikariConfig config = new HikariConfig();
        config.setPoolName("rotation");
        if (args.length > 4) {
            config.setDataSourceClassName(args[4]);
            config.addDataSourceProperty("url", args[0]);
        } else {
            config.setJdbcUrl(args[0]);
        }
        config.setUsername(args[1]);
        config.setPassword(args[2]);
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(45_000);
        int ok = 0;
        int failed = 0;
        long slowest = 0;
        try (HikariDataSource pool = new HikariDataSource(config)) {
            while (!Files.exists(stop)) {
                long start = System.nanoTime();
                try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM items")) {
                    rs.next();
                    ok++;
                    if (ok == 1) System.out.println("FIRST " + rs.getInt(1));
                } catch (SQLException e) {
                    failed++;
                    System.out.println("FAILED " + e.getSQLState() + " " + e.getMessage());
                }
                slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                if ((ok + failed) % 5 == 0) pool.getHikariPoolMXBean().softEvictConnections();
                Thread.sleep(20);
            }
            try (Connection c = pool.getConnection()) {
                System.out.println("SHOW " + pool + " | " + c + " | " + c.unwrap(Connection.class) + " | " + c.getMetaData().getURL()
                        + " | " + c.getClientInfo() + " | " + config.getDataSourceProperties());
            }
        }
        System.out.println("RESULT ok=" + ok + " failed=" + failed + " slowestMs=" + slowest);
    }
}
