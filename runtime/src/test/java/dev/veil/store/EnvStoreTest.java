package dev.veil.store;

import static dev.veil.store.VaultTestSupport.SECRET;
import static dev.veil.store.VaultTestSupport.assertNoSecret;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.StoreSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvStoreTest {
    @Test
    void prefixIsPrepended() throws Exception {
        EnvStore store = new EnvStore("dev", "APP_", Map.of("APP_openai", SECRET, "APP_empty", "")::get);
        assertArrayEquals(SECRET.toCharArray(), store.fetch("openai"));
        StoreException missing = assertThrows(StoreException.class, () -> store.fetch("other"));
        assertEquals("store 'dev': environment variable APP_other is not set", missing.getMessage());
        StoreException empty = assertThrows(StoreException.class, () -> store.fetch("empty"));
        assertTrue(empty.getMessage().contains("APP_empty is empty"));
        assertNoSecret(missing);
    }

    @Test
    void providerReadsTheRealEnvironment() throws Exception {
        SecretStore store = new EnvStoreProvider().open(new StoreSpec("dev", "env", Map.of()));
        assertArrayEquals(System.getenv("PATH").toCharArray(), store.fetch("PATH"));
        SecretStore prefixed = new EnvStoreProvider().open(new StoreSpec("dev", "env", Map.of("prefix", "PA")));
        assertArrayEquals(System.getenv("PATH").toCharArray(), prefixed.fetch("TH"));
        assertThrows(StoreException.class, () -> store.fetch("VEIL_TEST_SURELY_UNSET_VARIABLE_7f3a"));
    }
}
