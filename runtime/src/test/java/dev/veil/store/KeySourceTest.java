package dev.veil.store;

import static dev.veil.store.VaultTestSupport.KEY;
import static dev.veil.store.VaultTestSupport.expectVault;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.store.VaultException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySourceTest {
    @TempDir Path dir;

    @Test
    void fromEnvironment() throws Exception {
        assertArrayEquals(KEY.toCharArray(), KeySource.resolve("env:VEIL_VAULT_KEY", Map.of("VEIL_VAULT_KEY", KEY)::get));
    }

    @Test
    void unsetOrEmptyVariable() {
        VaultException unset = expectVault(Kind.KEY_MISSING,
                () -> KeySource.resolve("env:VEIL_TEST_SURELY_UNSET_VARIABLE_7f3a"));
        assertTrue(unset.getMessage().contains("VEIL_TEST_SURELY_UNSET_VARIABLE_7f3a is not set"), unset.getMessage());
        VaultException empty = expectVault(Kind.KEY_MISSING, () -> KeySource.resolve("env:K", Map.of("K", "")::get));
        assertTrue(empty.getMessage().contains("K is empty"), empty.getMessage());
    }

    @Test
    void fromFileWithOneTrailingNewlineTrimmed() throws Exception {
        assertArrayEquals(KEY.toCharArray(), KeySource.resolve("file:" + keyFile(KEY + "\n")));
        assertArrayEquals(KEY.toCharArray(), KeySource.resolve("file:" + keyFile(KEY + "\r\n")));
        assertArrayEquals(KEY.toCharArray(), KeySource.resolve("file:" + keyFile(KEY)));
        assertArrayEquals((KEY + "\n").toCharArray(), KeySource.resolve("file:" + keyFile(KEY + "\n\n")));
        assertArrayEquals((KEY + "\r").toCharArray(), KeySource.resolve("file:" + keyFile(KEY + "\r")));
    }

    @Test
    void missingFile() {
        VaultException e = expectVault(Kind.KEY_UNREADABLE, () -> KeySource.resolve("file:" + dir.resolve("absent")));
        assertTrue(e.getMessage().contains(dir.resolve("absent").toString()), e.getMessage());
    }

    @Test
    void emptyFileAndDirectory() throws Exception {
        expectVault(Kind.KEY_MISSING, () -> KeySource.resolve("file:" + keyFile("\n")));
        expectVault(Kind.KEY_MISSING, () -> KeySource.resolve("file:" + keyFile("")));
        expectVault(Kind.KEY_UNREADABLE, () -> KeySource.resolve("file:" + dir));
    }

    @Test
    void aBadSettingIsNotEchoed() {
        for (String spec : new String[] {KEY, "env:", "file:", "vault:" + KEY, ""}) {
            VaultException e = expectVault(Kind.KEY_SPEC, () -> KeySource.resolve(spec));
            assertTrue(e.getMessage().contains("env:NAME or file:PATH"));
        }
    }

    private Path keyFile(String content) throws Exception {
        Path f = Files.createTempFile(dir, "key", ".txt");
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }
}
