package dev.veil.store;

import static dev.veil.store.VaultTestSupport.KEY;
import static dev.veil.store.VaultTestSupport.SECRET;
import static dev.veil.store.VaultTestSupport.assertNoSecret;
import static dev.veil.store.VaultTestSupport.newVault;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.StoreSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    @TempDir Path dir;

    @Test
    void fetchesAndSeesLaterWritesByTheCli() throws Exception {
        Path vault = newVault(dir);
        try (Vault cli = Vault.open(vault, KEY.toCharArray());
             SecretStore store = open(vault, "file:" + keyFile())) {
            cli.put("openai", SECRET.toCharArray());
            assertArrayEquals(SECRET.toCharArray(), store.fetch("openai"));
            cli.put("openai", "rotated".toCharArray());
            assertArrayEquals("rotated".toCharArray(), store.fetch("openai"));
            cli.put("new", "added".toCharArray());
            assertArrayEquals("added".toCharArray(), store.fetch("new"));
        }
    }

    @Test
    void errorsNameTheStoreAndKeepTheKind() throws Exception {
        Path vault = newVault(dir);
        try (SecretStore store = open(vault, "file:" + keyFile())) {
            StoreException e = assertThrows(StoreException.class, () -> store.fetch("absent"));
            assertTrue(e.getMessage().startsWith("store 'local': "), e.getMessage());
            assertEquals(VaultException.Kind.NOT_FOUND, ((VaultException) e.getCause()).kind());
        }
    }

    @Test
    void nothingIsOpenedUntilTheFirstFetch() throws Exception {
        Path vault = dir.resolve("not-yet");
        try (SecretStore store = open(vault, "env:VEIL_TEST_SURELY_UNSET_VARIABLE_7f3a")) {
            StoreException noKey = assertThrows(StoreException.class, () -> store.fetch("openai"));
            assertTrue(noKey.getMessage().contains("is not set"), noKey.getMessage());
        }
        try (SecretStore store = open(vault, "file:" + keyFile())) {
            StoreException missing = assertThrows(StoreException.class, () -> store.fetch("openai"));
            assertTrue(missing.getMessage().contains("vault init"), missing.getMessage());
            Vault.init(vault, KEY.toCharArray(), VaultTestSupport.FAST);
            try (Vault cli = Vault.open(vault, KEY.toCharArray())) {
                cli.put("openai", SECRET.toCharArray());
            }
            assertArrayEquals(SECRET.toCharArray(), store.fetch("openai"), "retries the open after a failure");
        }
    }

    @Test
    void wrongKeyIsAStoreError() throws Exception {
        Path vault = newVault(dir);
        Path wrong = dir.resolve("wrong.key");
        Files.write(wrong, "wrong".getBytes(StandardCharsets.UTF_8));
        try (SecretStore store = open(vault, "file:" + wrong)) {
            StoreException e = assertThrows(StoreException.class, () -> store.fetch("openai"));
            assertEquals(VaultException.Kind.WRONG_KEY, ((VaultException) e.getCause()).kind());
            assertNoSecret(e);
        }
    }

    @Test
    void defaultsAndBadKeySetting() throws Exception {
        SecretStore store = new FileStoreProvider().open(new StoreSpec("local", "file", Map.of()));
        assertTrue(store.toString().contains(Vault.path(Vault.DEFAULT_PATH).toString()), store.toString());
        StoreException e = assertThrows(StoreException.class,
                () -> new FileStoreProvider().open(new StoreSpec("local", "file", Map.of("key", KEY))));
        assertNoSecret(e);
    }

    private static SecretStore open(Path vault, String key) throws StoreException {
        return new FileStoreProvider().open(new StoreSpec("local", "file", Map.of("path", vault.toString(), "key", key)));
    }

    private Path keyFile() throws Exception {
        Path f = dir.resolve("vault.key");
        Files.write(f, (KEY + "\n").getBytes(StandardCharsets.UTF_8));
        return f;
    }
}
