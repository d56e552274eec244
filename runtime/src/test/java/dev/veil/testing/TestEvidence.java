package dev.veil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * What the suite-wide audit leak scan (it-tests {@code AuditLeakScanTest}) reads:
 * {@code target/test-evidence/audit/*.jsonl} (audit logs tests
 * wrote) and {@code target/test-evidence/secrets.txt} (every secret value tests used, one per line).
 * Shared by every module's tests through the runtime test jar; each writes under its own target/.
 */
public final class TestEvidence {
    public static final Path DIR = Paths.get(System.getProperty("veil.test.evidence", "target/test-evidence")).toAbsolutePath();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private TestEvidence() {}

    /** A fresh audit log path, {@code <name>-<random>.jsonl}, under the evidence directory. */
    public static Path auditFile(String name) {
        try {
            return Files.createDirectories(DIR.resolve("audit")).resolve(name + "-" + random(10) + ".jsonl");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code prefix} plus {@code n} random letters and digits, recorded for the leak scan. */
    public static synchronized String secret(String prefix, int n) {
        String value = prefix + random(n);
        try {
            Files.createDirectories(DIR);
            Files.write(DIR.resolve("secrets.txt"), (value + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return value;
    }

    private static String random(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return b.toString();
    }
}
