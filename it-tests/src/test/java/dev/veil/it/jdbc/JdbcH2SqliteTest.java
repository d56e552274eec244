package dev.veil.it.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.it.ChildJvm;
import dev.veil.it.Jdks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * H2 (file database with real passwords) through DriverManager, JdbcDataSource and HikariCP, and SQLite through
 * DriverManager and SQLiteDataSource, in a child JVM with the agent: placeholders become real passwords only for
 * the granted database, user and agent, within the rate; read-only grants stop every kind of write before the
 * database sees it, and the tables are provably unchanged.
 */
class JdbcH2SqliteTest {
    static final String ADMIN_PW = "h2-Admin-" + Long.toHexString(System.nanoTime()) + "!x";
    static final String READER_PW = "h2-Reader-" + Long.toHexString(System.nanoTime() * 31) + "#y";

    /** Every write kind a read-only grant must stop, on every statement path. */
    static final List<String> WRITES = List.of(
            "INSERT INTO orders VALUES (9, 'evil')",
            "update:UPDATE orders SET item = 'evil'",
            "DELETE FROM orders",
            "prep:DELETE FROM orders WHERE id = 1",
            "call:CALL 1",
            "native:DROP TABLE orders",
            "batch:INSERT INTO orders VALUES (10, 'evil')",
            "MERGE INTO orders KEY (id) VALUES (1, 'evil')",
            "TRUNCATE TABLE orders",
            "DROP TABLE orders",
            "CREATE TABLE evil (a INT)",
            "ALTER TABLE orders ADD COLUMN evil INT",
            "GRANT ALL ON orders TO PUBLIC",
            "SELECT * FROM orders FOR UPDATE",
            "SELECT 1; DELETE FROM orders",
            "/* SELECT */ DELETE FROM orders",
            "WITH x AS (SELECT 1) DELETE FROM orders",
            "SET AUTOCOMMIT FALSE",
            "select * into evil from orders");

    static Stream<Path> jdks() { return Jdks.all().stream().limit(Integer.getInteger("veil.jdks", 9)); }

    @ParameterizedTest
    @MethodSource("jdks")
    void h2AndSqlite(Path jdk, @TempDir Path dir) throws Exception {
        String h2 = "jdbc:h2:file:" + dir.resolve("orders");
        String sqlite = "jdbc:sqlite:" + dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection(h2, "admin", ADMIN_PW); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(50))");
            s.execute("INSERT INTO orders VALUES (1, 'apple'), (2, 'pear'), (3, 'plum')");
            s.execute("CREATE USER reader PASSWORD '" + READER_PW + "'");
            s.execute("GRANT SELECT ON orders TO reader");
        }
        try (Connection c = DriverManager.getConnection(sqlite); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, item TEXT)");
            s.execute("INSERT INTO orders VALUES (1, 'apple'), (2, 'pear'), (3, 'plum')");
        }
        Files.writeString(dir.resolve("admin"), ADMIN_PW);
        Files.writeString(dir.resolve("reader"), READER_PW);
        Files.writeString(dir.resolve("sqlite"), "no-password-needed");
        Path audit = dir.resolve("audit.jsonl");
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "version: 1\n"
                + "stores: {t: {type: exec, command: [cat, '" + dir + "/{ref}']}}\n"
                + "credentials:\n"
                + "  h2-admin: {source: t/admin, agents: [app], allow: [{jdbc: '" + h2 + "', user: admin}]}\n"
                + "  h2-reader: {source: t/reader, agents: [app], allow: [{jdbc: '" + h2 + "', user: reader, read-only: true}]}\n"
                + "  h2-limited: {source: t/reader, agents: [app], rate: 2/min, allow: [{jdbc: '" + h2 + "', user: reader}]}\n"
                + "  h2-metered: {source: t/reader, agents: [app], allow: [{jdbc: '" + h2 + "', user: reader, statement-rate: 3/min}]}\n"
                + "  not-mine: {source: t/admin, agents: [someone-else], allow: [{jdbc: '" + h2 + "'}]}\n"
                + "  sqlite: {source: t/sqlite, allow: [{jdbc: '" + sqlite + "', read-only: true}]}\n"
                + "audit: {path: '" + audit + "'}\n");

        List<String> args = new ArrayList<>();
        args.add("dm-admin|dm|" + h2 + "|admin|veil:h2-admin|SELECT count(*) FROM orders|UPDATE orders SET item = item WHERE id = 1");
        args.add("ds-admin|h2ds|" + h2 + "|admin|veil:h2-admin|SELECT item FROM orders WHERE id = 2");
        args.add("url-admin|dm|" + h2 + ";USER=admin;PASSWORD=veil:h2-admin|||SELECT count(*) FROM orders");
        args.add("hikari-admin|hikari|" + h2 + "|admin|veil:h2-admin|SELECT count(*) FROM orders");
        args.add("hikari-ds-admin|hikari-ds:org.h2.jdbcx.JdbcDataSource|" + h2 + "|admin|veil:h2-admin|SELECT count(*) FROM orders");
        args.add("wrong-db|dm|" + h2 + "x|admin|veil:h2-admin");
        args.add("wrong-user|dm|" + h2 + "|reader|veil:h2-admin");
        args.add("wrong-agent|dm|" + h2 + "|admin|veil:not-mine");
        args.add("unknown|dm|" + h2 + "|admin|veil:nope");
        args.add("rate1|dm|" + h2 + "|reader|veil:h2-limited");
        args.add("rate2|h2ds|" + h2 + "|reader|veil:h2-limited");
        args.add("rate3|dm|" + h2 + "|reader|veil:h2-limited");
        args.add("metered|dm|" + h2 + "|reader|veil:h2-metered|SELECT 1|prep:SELECT 2|SELECT count(*) FROM orders|SELECT 4|batch:SELECT 5");
        args.add("metered-again|h2ds|" + h2 + "|reader|veil:h2-metered|SELECT 1");
        args.add("plain|dm|" + h2 + "|admin|" + "not-the-password");
        for (String via : List.of("dm", "h2ds", "h2xa", "hikari")) {
            args.add("ro-" + via + "|" + via + "|" + h2 + "|reader|veil:h2-reader|SELECT count(*) FROM orders|prep:SELECT item FROM orders WHERE id = 3|"
                    + String.join("|", WRITES) + "|setrw:|DELETE FROM orders|SELECT count(*) FROM orders");
        }
        for (String via : List.of("dm", "sqliteds")) {
            args.add("sqlite-" + via + "|" + via + "|" + sqlite + "||veil:sqlite|SELECT count(*) FROM orders|INSERT INTO orders VALUES (9, 'evil')"
                    + "|update:UPDATE orders SET item = 'evil'|prep:DELETE FROM orders|batch:DELETE FROM orders|DROP TABLE orders"
                    + "|PRAGMA user_version = 7|ATTACH DATABASE '" + dir.resolve("x.db") + "' AS x|WITH x AS (SELECT 1) DELETE FROM orders|SELECT 1; DELETE FROM orders");
        }
        ChildJvm.Result r = ChildJvm.on(jdk)
                .jvmArgs("-javaagent:" + ChildJvm.AGENT_JAR + "=rules=" + rules + ",agent=app")
                .main(JdbcApp.class, args.toArray(new String[0]));
        String out = r.out + "\n--- stderr\n" + r.err;
        assertEquals(0, r.exit, r.toString());

        assertLine(out, "dm-admin#0 OK 3");
        assertLine(out, "dm-admin#1 OK updated 1");
        assertLine(out, "ds-admin#0 OK pear");
        assertLine(out, "url-admin#0 OK 3");
        assertLine(out, "hikari-admin#0 OK 3");
        assertLine(out, "hikari-ds-admin#0 OK 3");
        assertDenied(out, "wrong-db ERR 28000", "h2-admin", "jdbc url not allowed");
        assertDenied(out, "wrong-user ERR 28000", "h2-admin", "database user 'reader' not allowed");
        assertDenied(out, "wrong-agent ERR 28000", "not-mine", "agent not allowed");
        assertDenied(out, "unknown ERR 28000", "veil:nope", "unknown placeholder");
        assertLine(out, "rate1 CONNECTED");
        assertLine(out, "rate2 CONNECTED");
        assertDenied(out, "rate3 ERR 28000", "h2-limited", "over the rate");
        assertLine(out, "metered#0 OK 1");
        assertLine(out, "metered#1 OK 2");
        assertLine(out, "metered#2 OK 3");
        assertDenied(out, "metered#3 ERR 28000", "h2-metered", "over the statement rate (3/min)");
        assertDenied(out, "metered#4 ERR 28000", "h2-metered", "over the statement rate (3/min)");
        assertDenied(out, "metered-again#0 ERR 28000", "h2-metered", "over the statement rate (3/min)");
        assertTrue(out.contains("plain ERR 28000 Wrong user name or password"), r.toString());
        for (String via : List.of("dm", "h2ds", "h2xa", "hikari")) {
            String p = "ro-" + via;
            assertLine(out, p + "#0 OK 3");
            assertLine(out, p + "#1 OK plum");
            for (int i = 0; i < WRITES.size(); i++) assertDenied(out, p + "#" + (i + 2) + " ERR 25006", "h2-reader", "read-only grant");
            // H2 keeps no read-only flag (isReadOnly stays false); what matters is that writes stay refused.
            assertLine(out, p + "#" + (WRITES.size() + 2) + " OK readOnly=false");
            assertDenied(out, p + "#" + (WRITES.size() + 3) + " ERR 25006", "h2-reader", "read-only grant");
            assertLine(out, p + "#" + (WRITES.size() + 4) + " OK 3");
        }
        for (String via : List.of("dm", "sqliteds")) {
            String p = "sqlite-" + via;
            assertLine(out, p + "#0 OK 3");
            for (int i = 1; i <= 9; i++) assertDenied(out, p + "#" + i + " ERR 25006", "sqlite", "read-only grant");
        }
        for (String secret : List.of(ADMIN_PW, READER_PW)) {
            assertFalse(r.out.contains(secret) || r.err.contains(secret), "a real password was printed");
            assertFalse(Files.readString(audit).contains(secret), "a real password is in the audit log");
        }
        String log = Files.readString(audit);
        assertTrue(log.contains("\"event\":\"inject\"") && log.contains("\"event\":\"deny\""), log);

        // Nothing was written: H2 and SQLite hold exactly what the setup put there.
        assertEquals("1:apple,2:pear,3:plum", rows(h2 + ";USER=admin;PASSWORD=" + ADMIN_PW));
        assertEquals("1:apple,2:pear,3:plum", rows(sqlite));
        assertFalse(Files.exists(dir.resolve("x.db")), "SQLite ATTACH created a file");
    }

    private static String rows(String url) throws Exception {
        StringBuilder b = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, item FROM orders ORDER BY id")) {
            while (rs.next()) b.append(b.length() == 0 ? "" : ",").append(rs.getInt(1)).append(':').append(rs.getString(2));
            try (ResultSet cols = c.getMetaData().getColumns(null, null, "%RDERS", "EVIL")) {
                assertFalse(cols.next(), "a column was added");
            }
        }
        return b.toString();
    }

    static void assertLine(String out, String line) {
        assertTrue(out.lines().anyMatch(l -> l.equals(line) || l.startsWith(line + " ")), "missing '" + line + "' in:\n" + out);
    }

    /** The line exists and its message names the credential and the reason, in Veil's words. */
    static void assertDenied(String out, String prefix, String credential, String reason) {
        String line = out.lines().filter(l -> l.startsWith(prefix + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("missing '" + prefix + "' in:\n" + out));
        assertTrue(line.contains("veil: denied") && line.contains(credential) && line.contains(reason) && line.contains("(agent app)"), line);
    }
}
