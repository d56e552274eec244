package dev.veil.store;

import dev.veil.store.VaultException.Kind;
import dev.veil.store.VaultFormat.Parsed;
import dev.veil.store.VaultFormat.Stored;
import java.io.File;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The encrypted vault file (format: VAULT-FORMAT.md). A random data key, wrapped under a key
 * derived from the passphrase with Argon2id, encrypts the entry table with AES-256-GCM.
 *
 * <p>An open vault holds the file's ciphertext and the data key, not the decrypted entries: each
 * {@link #get} decrypts, copies one value out and zeroes the rest. Reads notice when another
 * process replaced the file and re-read it. Writes re-read the file under a lock (in-process plus
 * an OS lock on {@code <file>.lock}), apply the change and replace the file atomically, so
 * concurrent writers never lose an update. Instances are thread-safe.
 */
public final class Vault implements AutoCloseable {
    /** Where the implied {@code local} store keeps its vault. */
    public static final String DEFAULT_PATH = "~/.veil/vault";
    /** Where the implied {@code local} store gets its key. */
    public static final String DEFAULT_KEY = "env:VEIL_VAULT_KEY";

    /** Apart, so that resolving a vault's path at start-up creates no SecureRandom (it loads the security providers). */
    private static final class Entropy {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    /** One entry as {@link #list()} shows it: never its value. */
    public static final class Entry {
        private final String name;
        private final Instant changed;

        Entry(String name, Instant changed) {
            this.name = name;
            this.changed = changed;
        }

        public String name() { return name; }
        public Instant changed() { return changed; }
        @Override public String toString() { return name + " (changed " + changed + ")"; }
    }

    private final Path file;
    /** Kept (zeroed on close) to re-derive the wrapping key if the file is re-created while open. */
    private char[] key;
    private byte[] dataKey;
    private Parsed current;
    private VaultFiles.Stamp stamp;

    private Vault(Path file, char[] key) {
        this.file = file;
        this.key = key.clone();
    }

    /** Expands a leading {@code ~} to the user's home directory. */
    public static Path path(String spec) {
        if (spec.equals("~")) return Paths.get(System.getProperty("user.home"));
        if (spec.startsWith("~/") || spec.startsWith("~" + File.separator)) {
            return Paths.get(System.getProperty("user.home"), spec.substring(2));
        }
        return Paths.get(spec);
    }

    /** Creates an empty vault with the default Argon2id cost. Fails with EXISTS if the file exists. */
    public static void init(Path file, char[] key) throws VaultException {
        init(file, key, KdfParams.DEFAULT);
    }

    /** As {@link #init(Path, char[])} with an explicit Argon2id cost (tests use a cheap one). */
    public static void init(Path file, char[] key, KdfParams kdf) throws VaultException {
        if (key.length == 0) throw new VaultException(Kind.KEY_MISSING, "the vault key is empty");
        Path dir = file.toAbsolutePath().normalize().getParent();
        try {
            VaultFiles.createPrivateDirectories(dir);
        } catch (IOException e) {
            throw new VaultException(Kind.IO, "cannot create directory " + dir + ": " + VaultFiles.describe(e), e);
        }
        VaultFiles.withLock(file, () -> {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new VaultException(Kind.EXISTS, "vault file " + file
                        + " already exists; remove it first to start over (that loses every value in it)");
            }
            byte[] salt = VaultFormat.randomBytes(Entropy.RANDOM, VaultFormat.SALT_LEN);
            byte[] dataKey = VaultFormat.randomBytes(Entropy.RANDOM, VaultFormat.KEY_LEN);
            byte[] kek = VaultFormat.deriveKek(key, kdf, salt);
            byte[] body = VaultFormat.encodeEntries(new TreeMap<>());
            try {
                byte[] keySection = VaultFormat.newKeySection(kdf, salt, kek, dataKey, Entropy.RANDOM);
                write(file, VaultFormat.assemble(keySection, dataKey, body, Entropy.RANDOM));
            } finally {
                Arrays.fill(kek, (byte) 0);
                Arrays.fill(dataKey, (byte) 0);
            }
            return null;
        });
    }

    /** Opens a vault, checking the key and authenticating the whole file; nothing is returned otherwise. */
    public static Vault open(Path file, char[] key) throws VaultException {
        Vault v = new Vault(file, key);
        try {
            v.refresh();
            VaultFormat.zero(v.decryptEntries());
            return v;
        } catch (VaultException | RuntimeException e) {
            v.close();
            throw e;
        }
    }

    public Path file() { return file; }

    /** The current value of {@code name}; the caller owns the array and zeroes it. NOT_FOUND if absent. */
    public synchronized char[] get(String name) throws VaultException {
        checkName(name);
        refresh();
        TreeMap<String, Stored> entries = decryptEntries();
        try {
            Stored s = entries.get(name);
            if (s == null) {
                throw new VaultException(Kind.NOT_FOUND, "vault file " + file + " has no entry '" + name + "'");
            }
            return Utf8.decode(s.value, 0, s.value.length);
        } catch (CharacterCodingException e) {
            throw new VaultException(Kind.CORRUPT, "vault file " + file + ": entry '" + name + "' is not valid UTF-8");
        } finally {
            VaultFormat.zero(entries);
        }
    }

    /** Names and change times, sorted by name; never values. */
    public synchronized List<Entry> list() throws VaultException {
        refresh();
        TreeMap<String, Stored> entries = decryptEntries();
        try {
            List<Entry> out = new ArrayList<>(entries.size());
            for (Map.Entry<String, Stored> e : entries.entrySet()) {
                out.add(new Entry(e.getKey(), Instant.ofEpochMilli(e.getValue().changedMillis)));
            }
            return Collections.unmodifiableList(out);
        } finally {
            VaultFormat.zero(entries);
        }
    }

    /** Adds or replaces {@code name}. The caller still owns (and zeroes) {@code value}. */
    public synchronized void put(String name, char[] value) throws VaultException {
        checkName(name);
        if (value.length == 0) throw new VaultException(Kind.INVALID, "the value for '" + name + "' is empty");
        byte[] bytes;
        try {
            bytes = Utf8.encode(value);
        } catch (CharacterCodingException e) {
            throw new VaultException(Kind.INVALID, "the value for '" + name + "' is not valid text (unpaired surrogate)");
        }
        if (bytes.length > VaultFormat.MAX_VALUE_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new VaultException(Kind.INVALID, "the value for '" + name + "' is larger than "
                    + VaultFormat.MAX_VALUE_BYTES + " bytes");
        }
        Stored fresh = new Stored(bytes, System.currentTimeMillis());
        try {
            update(entries -> {
                Stored old = entries.put(name, fresh);
                if (old != null) Arrays.fill(old.value, (byte) 0);
                return true;
            });
        } finally {
            Arrays.fill(bytes, (byte) 0); // also when the update failed before taking it
        }
    }

    /** Removes {@code name}; false (and no write) if it was not there. */
    public synchronized boolean remove(String name) throws VaultException {
        checkName(name);
        return update(entries -> {
            Stored old = entries.remove(name);
            if (old == null) return false;
            Arrays.fill(old.value, (byte) 0);
            return true;
        });
    }

    /** Zeroes the key material; the vault cannot be used afterwards. */
    @Override public synchronized void close() {
        if (key != null) Arrays.fill(key, '\0');
        if (dataKey != null) Arrays.fill(dataKey, (byte) 0);
        key = null;
        dataKey = null;
        current = null;
    }

    private interface Change {
        /** Changes the entries in place; returns whether anything changed. */
        boolean apply(TreeMap<String, Stored> entries);
    }

    private boolean update(Change change) throws VaultException {
        return VaultFiles.withLock(file, () -> {
            refresh(); // the latest file, now that no other writer can replace it
            TreeMap<String, Stored> entries = decryptEntries();
            try {
                if (!change.apply(entries)) return false;
                byte[] body = VaultFormat.encodeEntries(entries);
                byte[] out;
                try {
                    out = VaultFormat.assemble(current.keySection(), dataKey, body, Entropy.RANDOM);
                } finally {
                    Arrays.fill(body, (byte) 0);
                }
                write(file, out);
                current = VaultFormat.parse(file, out);
                stamp = stampOf();
                return true;
            } finally {
                VaultFormat.zero(entries);
            }
        });
    }

    private static void write(Path file, byte[] bytes) throws VaultException {
        try {
            VaultFiles.writeAtomically(file, bytes);
        } catch (IOException e) {
            throw new VaultException(Kind.IO, "cannot write vault file " + file + ": " + VaultFiles.describe(e), e);
        }
    }

    /** Re-reads the file if it changed since last read; on any failure the previous state stays. */
    private void refresh() throws VaultException {
        if (key == null) throw new IllegalStateException("vault " + file + " is closed");
        VaultFiles.Stamp now = stampOf();
        if (now.equals(stamp)) return;
        byte[] bytes;
        try {
            bytes = VaultFiles.readLimited(file, VaultFormat.MAX_FILE);
        } catch (NoSuchFileException e) {
            throw missing();
        } catch (IOException e) {
            throw new VaultException(Kind.IO, "cannot read vault file " + file + ": " + VaultFiles.describe(e), e);
        }
        Parsed parsed = VaultFormat.parse(file, bytes);
        if (current == null || !current.sameKeySection(parsed)) {
            byte[] kek = VaultFormat.deriveKek(key, parsed.kdf, parsed.salt());
            byte[] unwrapped;
            try {
                unwrapped = VaultFormat.unwrapDataKey(file, parsed, kek);
            } finally {
                Arrays.fill(kek, (byte) 0);
            }
            if (dataKey != null) Arrays.fill(dataKey, (byte) 0);
            dataKey = unwrapped;
        }
        current = parsed;
        stamp = now;
    }

    private VaultFiles.Stamp stampOf() throws VaultException {
        try {
            return VaultFiles.Stamp.of(file);
        } catch (NoSuchFileException e) {
            throw missing();
        } catch (IOException e) {
            throw new VaultException(Kind.IO, "cannot read vault file " + file + ": " + VaultFiles.describe(e), e);
        }
    }

    private VaultException missing() {
        return new VaultException(Kind.MISSING, "vault file " + file
                + " does not exist; create it with `veil vault init` (java -jar veil-agent.jar vault init)");
    }

    private TreeMap<String, Stored> decryptEntries() throws VaultException {
        byte[] plain = VaultFormat.decryptBody(file, current, dataKey);
        try {
            return VaultFormat.decodeEntries(file, plain);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Names are what follows the store name in a credential's {@code source}: printable, no surrounding spaces. */
    static void checkName(String name) throws VaultException {
        boolean ok = !name.isEmpty() && name.strip().equals(name)
                && name.getBytes(StandardCharsets.UTF_8).length <= VaultFormat.MAX_NAME_BYTES
                && name.codePoints().noneMatch(cp -> Character.isISOControl(cp)
                        || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE));
        if (!ok) {
            throw new VaultException(Kind.INVALID, "bad entry name: it must be 1 to " + VaultFormat.MAX_NAME_BYTES
                    + " bytes of printable text without leading or trailing spaces");
        }
    }
}
