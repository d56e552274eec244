package dev.veil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.store.KdfParams;
import dev.veil.store.Vault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up leaves the audit log and the vault alone; the first injection opens both and is audited. */
class EngineStartTest {
    private static final String REAL = "sk-engine-start-REAL-7d3b19";

    @TempDir Path tmp;

    @Test
    void auditLogAndVaultOpenAtFirstUseNotAtStart() throws Exception {
        Path vault = tmp.resolve("vault");
        Path keyFile = tmp.resolve("vault.key");
        char[] key = "engine-start-test-vault-key".toCharArray();
        Vault.init(vault, key, new KdfParams(64, 1, 1));
        try (Vault v = Vault.open(vault, key)) {
            v.put("api", REAL.toCharArray());
        }
        Path audit = tmp.resolve("logs").resolve("audit.jsonl");
        Path rules = tmp.resolve("rules.yaml");
        Files.write(rules, List.of(
                "version: 1",
                "stores:",
                "  local: {type: file, path: '" + vault + "', key: 'file:" + keyFile + "'}",
                "credentials:",
                "  api:",
                "    source: local/api",
                "    allow:",
                "      - url: http://127.0.0.1:*/**",
                "audit:",
                "  path: '" + audit + "'"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        Engine engine = Engine.start("rules=" + rules + ",agent=test", new PrintStream(err, true, StandardCharsets.UTF_8));

        assertTrue(err.toString(StandardCharsets.UTF_8).contains("1 credential(s)"), err.toString(StandardCharsets.UTF_8));
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("denied"), err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(audit.getParent()), "the audit log is not opened at start-up");
        // The vault's key file appears only now: start-up neither read the key nor opened the vault.
        Files.writeString(keyFile, new String(key));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));

        assertEquals("Bearer " + REAL, engine.http("GET", "http://127.0.0.1:8080/v1/x", "header", "Bearer veil:api"));
        // Written behind the call (audit.sync defaults to 1s), within a few milliseconds.
        List<String> lines = List.of();
        for (long end = System.nanoTime() + 10_000_000_000L; lines.isEmpty() && System.nanoTime() < end; Thread.sleep(5)) {
            if (Files.exists(audit)) lines = Files.readAllLines(audit);
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"event\":\"inject\""), lines.get(0));
        assertFalse(lines.get(0).contains(REAL), "no value in the audit log");
    }
}
