package dev.veil.store;

import static dev.veil.store.VaultTestSupport.KEY;
import static dev.veil.store.VaultTestSupport.SECRET;
import static dev.veil.store.VaultTestSupport.newVault;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.Rules;
import dev.veil.rules.StoreSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
    @TempDir Path dir;

    @Test
    void everyBuiltInTypeIsRegistered() {
        assertEquals(List.of("env", "exec", "file"), List.copyOf(StoreTypes.all().keySet()));
    }

    @Test
    void opensEveryStoreOfARulesFileBehindACache() throws Exception {
        Path vault = newVault(dir);
        try (Vault cli = Vault.open(vault, KEY.toCharArray())) {
            cli.put("openai", SECRET.toCharArray());
        }
        Path keyFile = dir.resolve("key");
        Files.write(keyFile, KEY.getBytes(StandardCharsets.UTF_8));
        Map<String, StoreSpec> specs = new LinkedHashMap<>();
        specs.put("local", new StoreSpec("local", "file", Map.of("path", vault.toString(), "key", "file:" + keyFile)));
        specs.put("team", new StoreSpec("team", "exec", Map.of("command", List.of("printf", "team-%s", "{ref}"))));
        specs.put("dev", new StoreSpec("dev", "env", Map.of()));
        Rules rules = rules(specs);

        Map<String, SecretStore> stores = Stores.open(rules);
        assertEquals(List.of("local", "team", "dev"), List.copyOf(stores.keySet()));
        stores.values().forEach(SecretStore::close);

        try (SecretCache cache = SecretCache.forRules(rules)) {
            assertArrayEquals(SECRET.toCharArray(), cache.get("local", "openai", Duration.ofMinutes(5)));
            assertArrayEquals("team-db".toCharArray(), cache.get("team", "db", Duration.ofMinutes(5)));
            assertArrayEquals(System.getenv("PATH").toCharArray(), cache.get("dev", "PATH", Duration.ofMinutes(5)));
        }
    }

    @Test
    void unknownTypeOrBadOptionsFailWithTheStoreName() {
        StoreException unknown = assertThrows(StoreException.class,
                () -> Stores.open(rules(Map.of("x", new StoreSpec("x", "vaultx", Map.of())))));
        assertTrue(unknown.getMessage().startsWith("store 'x': unknown type 'vaultx'"), unknown.getMessage());
        StoreException bad = assertThrows(StoreException.class,
                () -> Stores.open(rules(Map.of("team", new StoreSpec("team", "exec", Map.of("command", List.of()))))));
        assertTrue(bad.getMessage().startsWith("store 'team': "), bad.getMessage());
    }

    private static Rules rules(Map<String, StoreSpec> stores) {
        return new Rules("test", stores, Map.of(), null, true, null, Duration.ZERO, Rules.StoreErrorMode.FAIL_CLOSED, Duration.ZERO, Duration.ZERO);
    }
}
