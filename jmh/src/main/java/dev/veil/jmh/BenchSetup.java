package dev.veil.jmh;

import dev.veil.store.Vault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the with-agent runs need: the agent jar ({@code -Dveil.agent.jar}, default
 * {@code ../javaagent/target/veil-agent.jar}), and a temporary directory (removed at exit) with a vault holding a random
 * real key as {@code bench}, a rules file granting it to any loopback URL (and, read-only, to in-memory H2
 * databases as user sa and to the loopback PostgreSQL database bench as user bench), and the key in a file the
 * benchmark's server reads to check what arrived.
 */
final class BenchSetup {
    static final String PLACEHOLDER = "veil:bench";
    /** The same real value, as the password of a read-only JDBC grant for any in-memory H2 database. */
    static final String DB_PLACEHOLDER = "veil:bench-db";

    final Path agentJar;
    final Path dir;
    final Path rules;
    final Path realKeyFile;

    private BenchSetup(Path agentJar, Path dir, Path rules, Path realKeyFile) {
        this.agentJar = agentJar;
        this.dir = dir;
        this.rules = rules;
        this.realKeyFile = realKeyFile;
    }

    static BenchSetup create() throws Exception {
        Path jar = Paths.get(System.getProperty("veil.agent.jar", "../javaagent/target/veil-agent.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no agent jar at " + jar + " (build it with ./mvnw install -DskipTests, or pass -Dveil.agent.jar=...)");
        }
        Path dir = Files.createTempDirectory("veil-bench-");
        // The injected runs write hundreds of MB of audit records there.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "veil-bench-cleanup"));
        Path keyFile = dir.resolve("vault.key");
        Files.writeString(keyFile, random());
        Path realKeyFile = dir.resolve("real.key");
        String real = "bench-" + random();
        Files.writeString(realKeyFile, real);
        char[] vaultKey = Files.readString(keyFile).toCharArray();
        Vault.init(dir.resolve("vault"), vaultKey);
        try (Vault vault = Vault.open(dir.resolve("vault"), vaultKey)) {
            vault.put("bench", real.toCharArray());
        }
        Path rules = dir.resolve("rules.yaml");
        Files.write(rules, List.of(
                "version: 1",
                "stores:",
                "  local: {type: file, path: '" + dir.resolve("vault") + "', key: 'file:" + keyFile + "'}",
                "credentials:",
                "  bench:",
                "    placeholder: " + PLACEHOLDER,
                "    source: local/bench",
                "    ttl: 1h",
                "    allow:",
                "      - url: http://127.0.0.1:*/**",
                "  bench-db:",
                "    placeholder: " + DB_PLACEHOLDER,
                "    source: local/bench",
                "    ttl: 1h",
                "    allow:",
                "      - jdbc: 'jdbc:h2:mem:*'",
                "        user: sa",
                "        read-only: true",
                "      - jdbc: 'jdbc:postgresql://127.0.0.1:*/bench'",
                "        user: bench",
                "        read-only: true",
                "audit:",
                "  path: '" + dir.resolve("audit.jsonl") + "'"), StandardCharsets.UTF_8);
        return new BenchSetup(jar, dir, rules, realKeyFile);
    }

    /** The JVM options that start the agent with these rules. */
    String agentOption() {
        return "-javaagent:" + agentJar + "=rules=" + rules + ",agent=bench";
    }

    static String readRealKey(String file) throws IOException {
        return Files.readString(Paths.get(file)).trim();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }

    private static String random() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
