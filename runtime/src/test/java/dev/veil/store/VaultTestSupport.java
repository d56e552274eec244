package dev.veil.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;

/** Shared by the store tests: a cheap Argon2 cost and checks that messages carry no secret. */
final class VaultTestSupport {
    /** 64 KiB, one pass: keeps the suite fast; one test uses the real defaults. */
    static final KdfParams FAST = new KdfParams(64, 1, 1);
    static final String KEY = "correct-horse-battery-staple-KEY";
    static final String SECRET = "sk-live-VALUE-4f9a2c71e0";

    private VaultTestSupport() {}

    static Path newVault(Path dir) throws Exception {
        Path file = dir.resolve("vault");
        Vault.init(file, KEY.toCharArray(), FAST);
        return file;
    }

    static VaultException expectVault(VaultException.Kind kind, Executable action) {
        VaultException e = assertThrows(VaultException.class, action);
        assertEquals(kind, e.kind(), e.getMessage());
        assertNoSecret(e);
        return e;
    }

    /** Neither the key nor a value appears anywhere in the exception chain. */
    static void assertNoSecret(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()) + t;
            assertFalse(m.contains(KEY), "key leaked: " + m);
            assertFalse(m.contains(SECRET), "value leaked: " + m);
        }
    }
}
