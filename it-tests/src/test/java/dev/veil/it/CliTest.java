package dev.veil.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI exactly as users run it: {@code java -jar veil-agent.jar ...} in a child process. */
class CliTest {
    private static final String SECRET = "sk-cli-test-" + Long.toHexString(System.nanoTime()) + "-Zq9";
    private static final String KEY = "cli-test-vault-key-" + Long.toHexString(System.nanoTime());

    @TempDir Path home;
    private Path quickstart;

    @BeforeEach
    void setUp() {
        quickstart = ChildJvm.REPO.resolve("rules/examples/quickstart.yaml");
    }

    private ChildJvm veil() {
        return ChildJvm.on(Jdks.current()).jvmArgs("-Duser.home=" + home).env("VEIL_VAULT_KEY", KEY);
    }

    private static void assertNoSecret(ChildJvm.Result r) {
        assertFalse(r.out.contains(SECRET) || r.err.contains(SECRET), "the secret value was printed:\n" + r);
        assertFalse(r.out.contains(KEY) || r.err.contains(KEY), "the vault key was printed:\n" + r);
    }

    @Test
    void versionAndHelp() throws Exception {
        ChildJvm.Result v = veil().cli("--version");
        assertEquals(0, v.exit, v.toString());
        assertTrue(v.out.startsWith("veil 0.1.0"), v.toString());
        ChildJvm.Result h = veil().cli("--help");
        assertEquals(0, h.exit, h.toString());
        for (String cmd : new String[] {"vault", "rules", "audit", "scrub"}) assertTrue(h.out.contains(cmd), h.toString());
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        ChildJvm.Result r = veil().cli("no-such-command");
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("no-such-command"), r.toString());
        assertEquals(2, veil().cli("vault", "put").exit);
        assertEquals(2, veil().cli().exit);
    }

    @Test
    void vaultLifecycleNeverPrintsTheValue() throws Exception {
        ChildJvm.Result init = veil().cli("vault", "init");
        assertEquals(0, init.exit, init.toString());
        Path vault = home.resolve(".veil/vault");
        assertTrue(Files.exists(vault), init.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(vault)));

        ChildJvm.Result put = veil().stdin(SECRET + "\n").cli("vault", "put", "openai");
        assertEquals(0, put.exit, put.toString());
        assertNoSecret(put);
        assertFalse(new String(Files.readAllBytes(vault), java.nio.charset.StandardCharsets.ISO_8859_1).contains(SECRET), "plaintext on disk");

        ChildJvm.Result list = veil().cli("vault", "list");
        assertEquals(0, list.exit, list.toString());
        assertTrue(list.out.contains("openai"), list.toString());
        assertTrue(list.out.contains("local"), list.toString());
        assertNoSecret(list);

        ChildJvm.Result wrongKey = veil().env("VEIL_VAULT_KEY", "not-the-key-at-all").cli("vault", "list");
        assertEquals(1, wrongKey.exit, wrongKey.toString());
        assertTrue(wrongKey.err.contains(vault.toString()), wrongKey.toString());

        ChildJvm.Result rm = veil().cli("vault", "rm", "openai");
        assertEquals(0, rm.exit, rm.toString());
        assertFalse(veil().cli("vault", "list").out.contains("openai"));
        ChildJvm.Result rmAgain = veil().cli("vault", "rm", "openai");
        assertEquals(1, rmAgain.exit, rmAgain.toString());
        assertTrue(rmAgain.err.contains("no entry 'openai'"), rmAgain.toString());
    }

    @Test
    void putRefusesAnEmptyValueAndAVaultThatDoesNotExist() throws Exception {
        ChildJvm.Result missing = veil().stdin(SECRET).cli("vault", "put", "openai");
        assertEquals(1, missing.exit, missing.toString());
        assertTrue(missing.err.contains("vault init"), missing.toString());
        assertNoSecret(missing);
        assertEquals(0, veil().cli("vault", "init").exit);
        ChildJvm.Result empty = veil().stdin("").cli("vault", "put", "openai");
        assertEquals(1, empty.exit, empty.toString());
        assertTrue(empty.err.contains("no value on stdin"), empty.toString());
    }

    @Test
    void withoutAKeyTheErrorSaysWhichVariableToSet() throws Exception {
        ChildJvm.Result r = ChildJvm.on(Jdks.current()).jvmArgs("-Duser.home=" + home).cli("vault", "init");
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains("VEIL_VAULT_KEY"), r.toString());
    }

    @Test
    void rulesCheckReportsEveryProblemWithItsPosition() throws Exception {
        ChildJvm.Result ok = veil().cli("rules", "check", quickstart.toString());
        assertEquals(0, ok.exit, ok.toString());
        assertTrue(ok.out.contains("ok"), ok.toString());

        Path bad = home.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\ncredentials:\n  openai:\n    source: nowhere/openai\n    ttl: 5 minutes\n    allow:\n      - url: https://api.openai.com/v1/**\n");
        ChildJvm.Result r = veil().cli("rules", "check", bad.toString());
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains(bad + ":4:"), r.toString());
        assertTrue(r.err.contains(bad + ":5:"), r.toString());
        assertTrue(r.err.contains("unknown store 'nowhere'"), r.toString());

        ChildJvm.Result missing = veil().cli("rules", "check", home.resolve("absent.yaml").toString());
        assertEquals(1, missing.exit, missing.toString());
        assertTrue(missing.err.contains("absent.yaml"), missing.toString());
    }
}
