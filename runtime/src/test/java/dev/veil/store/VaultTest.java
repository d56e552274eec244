package dev.veil.store;

import static dev.veil.store.VaultTestSupport.FAST;
import static dev.veil.store.VaultTestSupport.KEY;
import static dev.veil.store.VaultTestSupport.SECRET;
import static dev.veil.store.VaultTestSupport.expectVault;
import static dev.veil.store.VaultTestSupport.newVault;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.store.VaultException.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultTest {
    @TempDir Path dir;

    @Test
    void putGetListRemoveRoundTrip() throws Exception {
        Path file = newVault(dir);
        Instant before = Instant.now().minusSeconds(1);
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            assertEquals(List.of(), v.list());
            v.put("openai", SECRET.toCharArray());
            v.put("team/db", "pässwörd 🔑".toCharArray());
            assertArrayEquals(SECRET.toCharArray(), v.get("openai"));
            assertArrayEquals("pässwörd 🔑".toCharArray(), v.get("team/db"));
            List<Vault.Entry> list = v.list();
            assertEquals(List.of("openai", "team/db"), list.stream().map(Vault.Entry::name).collect(Collectors.toList()));
            assertTrue(list.get(0).changed().isAfter(before));
            assertFalse(list.toString().contains(SECRET));
            v.put("openai", "replaced".toCharArray());
            assertArrayEquals("replaced".toCharArray(), v.get("openai"));
            assertTrue(v.remove("openai"));
            assertFalse(v.remove("openai"));
            expectVault(Kind.NOT_FOUND, () -> v.get("openai"));
        }
        try (Vault again = Vault.open(file, KEY.toCharArray())) {
            assertArrayEquals("pässwörd 🔑".toCharArray(), again.get("team/db"));
        }
    }

    @Test
    void valuesAreNotInTheFileInClear() throws Exception {
        Path file = newVault(dir);
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            v.put("openai", SECRET.toCharArray());
        }
        String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains(SECRET));
        assertFalse(raw.contains("openai"), "entry names are encrypted too");
        assertTrue(raw.startsWith("VEILVLT\u0001"));
    }

    @Test
    void realDefaultArgon2Cost() throws Exception {
        Path file = dir.resolve("vault");
        Vault.init(file, KEY.toCharArray());
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(file));
        assertEquals(1, header.get(8), "kdf id: Argon2id");
        assertEquals(64 * 1024, header.getInt(9), "memory KiB");
        assertEquals(3, header.getInt(13), "passes");
        assertEquals(1, header.get(17), "lanes");
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            v.put("openai", SECRET.toCharArray());
            assertArrayEquals(SECRET.toCharArray(), v.get("openai"));
        }
        expectVault(Kind.WRONG_KEY, () -> Vault.open(file, "wrong".toCharArray()));
    }

    @Test
    void saltAndNoncesAreFreshEveryTime() throws Exception {
        Path a = newVault(dir);
        Path b = dir.resolve("other");
        Vault.init(b, KEY.toCharArray(), FAST);
        byte[] fa = Files.readAllBytes(a);
        byte[] fb = Files.readAllBytes(b);
        assertFalse(Arrays.equals(fa, 18, 34, fb, 18, 34), "salt");
        try (Vault v = Vault.open(a, KEY.toCharArray())) {
            v.put("x", SECRET.toCharArray());
            byte[] first = Files.readAllBytes(a);
            v.put("x", SECRET.toCharArray());
            byte[] second = Files.readAllBytes(a);
            assertFalse(Arrays.equals(first, 94, 106, second, 94, 106), "body nonce");
        }
    }

    @Test
    void initRefusesAnExistingFile() throws Exception {
        Path file = newVault(dir);
        byte[] before = Files.readAllBytes(file);
        VaultException e = expectVault(Kind.EXISTS, () -> Vault.init(file, KEY.toCharArray(), FAST));
        assertTrue(e.getMessage().contains(file.toString()));
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void initCreatesMissingDirectoriesPrivately() throws Exception {
        Path file = dir.resolve("a/b/vault");
        Vault.init(file, KEY.toCharArray(), FAST);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void filesAreOwnerOnly() throws Exception {
        Path file = newVault(dir);
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            v.put("openai", SECRET.toCharArray());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("vault.lock"))));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("vault", "vault.lock"), listing.map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.toList()), "no temp files left behind");
        }
    }

    @Test
    void missingFileSaysHowToCreateIt() {
        Path file = dir.resolve("nope");
        VaultException e = expectVault(Kind.MISSING, () -> Vault.open(file, KEY.toCharArray()));
        assertTrue(e.getMessage().contains("vault init"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()));
    }

    @Test
    void fileDeletedAfterOpenIsMissing() throws Exception {
        Path file = newVault(dir);
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            Files.delete(file);
            expectVault(Kind.MISSING, () -> v.get("x"));
        }
    }

    @Test
    void wrongKey() throws Exception {
        Path file = newVault(dir);
        VaultException e = expectVault(Kind.WRONG_KEY, () -> Vault.open(file, "not-the-key".toCharArray()));
        assertTrue(e.getMessage().contains("wrong key"));
        expectVault(Kind.KEY_MISSING, () -> Vault.open(file, new char[0]));
    }

    @Test
    void flippedBytesAreReportedByKind() throws Exception {
        Path file = vaultWithOneEntry();
        byte[] good = Files.readAllBytes(file);
        int n = good.length;
        assertFlip(file, good, 0, Kind.BAD_FORMAT);
        assertFlip(file, good, 6, Kind.BAD_FORMAT);
        assertFlip(file, good, 7, Kind.UNSUPPORTED_VERSION);
        for (int at : new int[] {8, 12, 17, 20, 40, 60, 93, 100, 111, n / 2, n - 40, n - 33, n - 32, n - 1}) {
            assertFlip(file, good, at, Kind.CORRUPT);
        }
    }

    @Test
    void noFlippedByteAnywhereEverOpens() throws Exception {
        Path file = vaultWithOneEntry();
        byte[] good = Files.readAllBytes(file);
        for (int at = 0; at < good.length; at++) {
            for (int mask : new int[] {0x01, 0x80}) {
                byte[] bad = good.clone();
                bad[at] ^= (byte) mask;
                Files.write(file, bad);
                VaultException e = assertThrows(VaultException.class, () -> Vault.open(file, KEY.toCharArray()),
                        "flip at " + at);
                VaultTestSupport.assertNoSecret(e);
            }
        }
    }

    /** An attacker who also recomputes the (unkeyed) checksum still fails authentication. */
    @Test
    void tamperingWithAValidChecksumFailsAuthentication() throws Exception {
        Path file = vaultWithOneEntry();
        byte[] good = Files.readAllBytes(file);
        for (int at : new int[] {12, 20, 40, 60}) { // KDF memory low byte, salt, key nonce, wrapped key
            Files.write(file, withChecksum(flip(good, at)));
            expectVault(Kind.WRONG_KEY, () -> Vault.open(file, KEY.toCharArray()));
        }
        for (int at : new int[] {100, 108, 115, good.length - 40}) { // body nonce, body length, body, tag
            Files.write(file, withChecksum(flip(good, at)));
            VaultException e = assertThrows(VaultException.class, () -> Vault.open(file, KEY.toCharArray()));
            assertTrue(e.kind() == Kind.CORRUPT, e.kind() + " at " + at + ": " + e.getMessage());
        }
    }

    @Test
    void truncatedAtSeveralLengths() throws Exception {
        Path file = vaultWithOneEntry();
        byte[] good = Files.readAllBytes(file);
        for (int len : new int[] {0, 3, 7, 8, 30, 109, 110, 150, good.length - 33, good.length - 32, good.length - 1}) {
            Files.write(file, Arrays.copyOf(good, len));
            VaultException e = expectVault(Kind.TRUNCATED, () -> Vault.open(file, KEY.toCharArray()));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void unknownVersionAndBadMagic() throws Exception {
        Path file = vaultWithOneEntry();
        byte[] good = Files.readAllBytes(file);
        byte[] v2 = good.clone();
        v2[7] = 2;
        Files.write(file, withChecksum(v2));
        VaultException e = expectVault(Kind.UNSUPPORTED_VERSION, () -> Vault.open(file, KEY.toCharArray()));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        Files.write(file, "hello, this is not a vault at all".getBytes(StandardCharsets.UTF_8));
        expectVault(Kind.BAD_FORMAT, () -> Vault.open(file, KEY.toCharArray()));
    }

    @Test
    void trailingBytesAreCorrupt() throws Exception {
        Path file = vaultWithOneEntry();
        byte[] good = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(good, good.length + 5));
        expectVault(Kind.CORRUPT, () -> Vault.open(file, KEY.toCharArray()));
    }

    @Test
    void aCorruptedFileAfterOpenFailsWithoutPartialResults() throws Exception {
        Path file = vaultWithOneEntry();
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            byte[] good = Files.readAllBytes(file);
            Files.write(file, withChecksum(flip(good, 120)));
            expectVault(Kind.CORRUPT, () -> v.get("openai"));
            expectVault(Kind.CORRUPT, v::list);
            expectVault(Kind.CORRUPT, () -> v.put("other", "x".toCharArray()));
            Files.write(file, good);
            assertArrayEquals(SECRET.toCharArray(), v.get("openai"));
        }
    }

    @Test
    void badNamesAndValuesAreRefused() throws Exception {
        Path file = newVault(dir);
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            for (String name : new String[] {"", " lead", "trail ", "tab\tname", "new\nline", "x".repeat(257)}) {
                expectVault(Kind.INVALID, () -> v.put(name, "v".toCharArray()));
            }
            expectVault(Kind.INVALID, () -> v.put("empty", new char[0]));
            expectVault(Kind.INVALID, () -> v.put("surrogate", new char[] {'a', '\uD800'}));
            assertEquals(List.of(), v.list());
        }
    }

    @Test
    void anOpenVaultSeesChangesFromAnotherWriter() throws Exception {
        Path file = newVault(dir);
        try (Vault longLived = Vault.open(file, KEY.toCharArray());
             Vault cli = Vault.open(file, KEY.toCharArray())) {
            expectVault(Kind.NOT_FOUND, () -> longLived.get("openai"));
            cli.put("openai", SECRET.toCharArray());
            assertArrayEquals(SECRET.toCharArray(), longLived.get("openai"));
            cli.put("openai", "rotated".toCharArray());
            assertArrayEquals("rotated".toCharArray(), longLived.get("openai"));
            longLived.put("second", "2".toCharArray());
            assertEquals(2, cli.list().size());
        }
    }

    @Test
    void anOpenVaultFollowsAFileReCreatedWithTheSameKey() throws Exception {
        Path file = vaultWithOneEntry();
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            Files.delete(file);
            Vault.init(file, KEY.toCharArray(), FAST);
            try (Vault other = Vault.open(file, KEY.toCharArray())) {
                other.put("fresh", "new".toCharArray());
            }
            assertArrayEquals("new".toCharArray(), v.get("fresh"));
            expectVault(Kind.NOT_FOUND, () -> v.get("openai"));
        }
    }

    @Test
    void concurrentWritersFromThreadsLoseNothing() throws Exception {
        Path file = newVault(dir);
        int writers = 6;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String prefix = "w" + w;
                done.add(pool.submit(() -> {
                    // each thread its own Vault instance, as separate CLI invocations would have
                    try (Vault v = Vault.open(file, KEY.toCharArray())) {
                        for (int i = 0; i < each; i++) v.put(prefix + "-" + i, ("v" + i).toCharArray());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            assertEquals(writers * each, v.list().size());
            assertArrayEquals("v7".toCharArray(), v.get("w3-7"));
        }
    }

    @Test
    void concurrentWritersFromTwoProcessesLoseNothing() throws Exception {
        Path file = newVault(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        List<Process> children = new ArrayList<>();
        for (String prefix : new String[] {"a", "b"}) {
            children.add(new ProcessBuilder(java, "-cp", cp, VaultWriter.class.getName(), file.toString(), prefix, "150")
                    .redirectErrorStream(true).start());
        }
        for (Process p : children) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child finished");
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), output);
        }
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            assertEquals(300, v.list().size());
        }
    }

    @Test
    void removingAnAbsentEntryDoesNotRewrite() throws Exception {
        Path file = vaultWithOneEntry();
        byte[] before = Files.readAllBytes(file);
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            assertFalse(v.remove("absent"));
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void closedVaultCannotBeUsed() throws Exception {
        Path file = newVault(dir);
        Vault v = Vault.open(file, KEY.toCharArray());
        v.close();
        assertThrows(IllegalStateException.class, () -> v.get("x"));
    }

    @Test
    void homeIsExpanded() {
        String home = System.getProperty("user.home");
        assertEquals(Path.of(home, ".veil", "vault"), Vault.path(Vault.DEFAULT_PATH));
        assertEquals(Path.of("/etc/veil/vault"), Vault.path("/etc/veil/vault"));
        assertNotEquals(Path.of(home, "x"), Vault.path("~x"));
    }

    private Path vaultWithOneEntry() throws Exception {
        Path file = newVault(dir);
        try (Vault v = Vault.open(file, KEY.toCharArray())) {
            v.put("openai", SECRET.toCharArray());
        }
        return file;
    }

    private static void assertFlip(Path file, byte[] good, int at, Kind kind) throws Exception {
        Files.write(file, flip(good, at));
        VaultException e = expectVault(kind, () -> Vault.open(file, KEY.toCharArray()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    private static byte[] flip(byte[] good, int at) {
        byte[] bad = good.clone();
        bad[at] ^= 0x01;
        return bad;
    }

    /** Recomputes the trailing SHA-256 as someone deliberately tampering would. */
    private static byte[] withChecksum(byte[] b) {
        SHA256Digest d = new SHA256Digest();
        d.update(b, 0, b.length - 32);
        d.doFinal(b, b.length - 32);
        return b;
    }
}
