package dev.veil.store;

import dev.veil.store.VaultException.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The vault file layout, version 1 (documented in VAULT-FORMAT.md), and the crypto around it:
 * Argon2id key derivation, AES-256-GCM for the wrapped data key and for the entry table.
 */
final class VaultFormat {
    static final byte[] MAGIC = "VEILVLT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int KDF_ARGON2ID = 1;
    static final int SALT_LEN = 16;
    static final int NONCE_LEN = 12;
    static final int KEY_LEN = 32;
    static final int TAG_LEN = 16;
    static final int CHECKSUM_LEN = 32;

    // Offsets (see VAULT-FORMAT.md).
    static final int VERSION_AT = 7;
    static final int KDF_AT = 8;
    static final int SALT_AT = 18;
    static final int KDF_END = SALT_AT + SALT_LEN;                     // 34: AAD of the wrapped key
    static final int KEY_END = KDF_END + NONCE_LEN + KEY_LEN + TAG_LEN;  // 94: end of the key section
    static final int BODY_LENGTH_AT = KEY_END + NONCE_LEN;             // 106
    static final int HEADER_END = BODY_LENGTH_AT + 4;                  // 110: AAD of the body
    static final int MIN_FILE = HEADER_END + TAG_LEN + CHECKSUM_LEN;
    /** Larger files are refused before they are read. */
    static final long MAX_FILE = 64L * 1024 * 1024;
    static final int MAX_NAME_BYTES = 256;
    static final int MAX_VALUE_BYTES = 1024 * 1024;

    private VaultFormat() {}

    /** One decrypted entry: its UTF-8 value and when it last changed. */
    static final class Stored {
        final byte[] value;
        final long changedMillis;

        Stored(byte[] value, long changedMillis) {
            this.value = value;
            this.changedMillis = changedMillis;
        }
    }

    /** A file whose structure and checksum were verified; nothing is decrypted yet. */
    static final class Parsed {
        final byte[] bytes;
        final KdfParams kdf;
        final int bodyLength;

        private Parsed(byte[] bytes, KdfParams kdf, int bodyLength) {
            this.bytes = bytes;
            this.kdf = kdf;
            this.bodyLength = bodyLength;
        }

        byte[] salt() { return Arrays.copyOfRange(bytes, SALT_AT, KDF_END); }

        byte[] keySection() { return Arrays.copyOf(bytes, KEY_END); }

        boolean sameKeySection(Parsed other) {
            return Arrays.equals(bytes, 0, KEY_END, other.bytes, 0, KEY_END);
        }
    }

    /** Checks magic, version, lengths and checksum, in that order, so each failure gets its own kind. */
    static Parsed parse(Path file, byte[] b) throws VaultException {
        int magicLen = Math.min(b.length, MAGIC.length);
        if (!Arrays.equals(b, 0, magicLen, MAGIC, 0, magicLen)) {
            throw new VaultException(Kind.BAD_FORMAT, "vault file " + file + " is not a Veil vault (bad magic)");
        }
        if (b.length <= VERSION_AT) throw truncated(file, b.length, MIN_FILE);
        int version = b[VERSION_AT] & 0xff;
        if (version != VERSION) {
            throw new VaultException(Kind.UNSUPPORTED_VERSION, "vault file " + file + " has format version "
                    + version + "; this Veil reads version " + VERSION);
        }
        if (b.length < MIN_FILE) throw truncated(file, b.length, MIN_FILE);
        ByteBuffer buf = ByteBuffer.wrap(b);
        long bodyLength = buf.getInt(BODY_LENGTH_AT) & 0xffffffffL;
        long expected = HEADER_END + bodyLength + CHECKSUM_LEN;
        int end = b.length - CHECKSUM_LEN;
        if (!checksumMatches(b, end)) {
            // A short file whose header promises more was cut off; anything else was altered.
            if (b.length < expected) throw truncated(file, b.length, expected);
            throw new VaultException(Kind.CORRUPT, "vault file " + file
                    + " is corrupt: its checksum does not match (a byte was changed)");
        }
        int kdfId = b[KDF_AT] & 0xff;
        long memory = buf.getInt(KDF_AT + 1) & 0xffffffffL;
        long iterations = buf.getInt(KDF_AT + 5) & 0xffffffffL;
        int parallelism = b[KDF_AT + 9] & 0xff;
        if (expected != b.length || bodyLength < TAG_LEN) {
            throw new VaultException(Kind.CORRUPT, "vault file " + file + " is corrupt: its length does not match its header");
        }
        if (kdfId != KDF_ARGON2ID || !KdfParams.valid(memory, iterations, parallelism)) {
            throw new VaultException(Kind.CORRUPT, "vault file " + file
                    + " is corrupt: unsupported key derivation settings in its header");
        }
        return new Parsed(b, new KdfParams((int) memory, (int) iterations, parallelism), (int) bodyLength);
    }

    private static VaultException truncated(Path file, long actual, long expected) {
        return new VaultException(Kind.TRUNCATED, "vault file " + file + " is truncated: " + actual
                + " bytes, expected " + expected);
    }

    private static boolean checksumMatches(byte[] b, int end) {
        byte[] sum = sha256(b, end);
        return MessageDigest.isEqual(sum, Arrays.copyOfRange(b, end, end + CHECKSUM_LEN));
    }

    private static byte[] sha256(byte[] b, int len) {
        SHA256Digest d = new SHA256Digest();
        d.update(b, 0, len);
        byte[] out = new byte[CHECKSUM_LEN];
        d.doFinal(out, 0);
        return out;
    }

    /** Argon2id(key, salt) to a 256-bit key-encryption key. */
    static byte[] deriveKek(char[] key, KdfParams kdf, byte[] salt) throws VaultException {
        if (key.length == 0) throw new VaultException(Kind.KEY_MISSING, "the vault key is empty");
        byte[] password;
        try {
            password = Utf8.encode(key);
        } catch (CharacterCodingException e) {
            throw new VaultException(Kind.KEY_SPEC, "the vault key is not valid text (unpaired surrogate)");
        }
        try {
            Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(kdf.memoryKiB())
                    .withIterations(kdf.iterations())
                    .withParallelism(kdf.parallelism())
                    .withSalt(salt)
                    .build();
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(params);
            byte[] kek = new byte[KEY_LEN];
            gen.generateBytes(password, kek);
            return kek;
        } catch (OutOfMemoryError e) {
            // Inside an application with a small heap: fail this open, not the whole JVM.
            throw new VaultException(Kind.IO, "not enough heap for the vault key derivation (needs "
                    + kdf.memoryKiB() / 1024 + " MiB)");
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /** magic, version, KDF settings, salt, then the data key wrapped under the KEK (AAD: all before it). */
    static byte[] newKeySection(KdfParams kdf, byte[] salt, byte[] kek, byte[] dataKey, SecureRandom random) {
        ByteBuffer buf = ByteBuffer.allocate(KEY_END);
        buf.put(MAGIC).put((byte) VERSION).put((byte) KDF_ARGON2ID)
                .putInt(kdf.memoryKiB()).putInt(kdf.iterations()).put((byte) kdf.parallelism()).put(salt);
        byte[] nonce = randomBytes(random, NONCE_LEN);
        byte[] wrapped = seal(kek, nonce, Arrays.copyOf(buf.array(), KDF_END), dataKey);
        buf.put(nonce).put(wrapped);
        return buf.array();
    }

    static byte[] unwrapDataKey(Path file, Parsed p, byte[] kek) throws VaultException {
        byte[] nonce = Arrays.copyOfRange(p.bytes, KDF_END, KDF_END + NONCE_LEN);
        try {
            return open(kek, nonce, Arrays.copyOf(p.bytes, KDF_END), p.bytes, KDF_END + NONCE_LEN, KEY_LEN + TAG_LEN);
        } catch (InvalidCipherTextException e) {
            throw new VaultException(Kind.WRONG_KEY, "the key does not open vault file " + file + " (wrong key)");
        }
    }

    /** key section, fresh body nonce, body length, body sealed under the data key (AAD: the header), checksum. */
    static byte[] assemble(byte[] keySection, byte[] dataKey, byte[] bodyPlain, SecureRandom random) {
        int bodyLength = bodyPlain.length + TAG_LEN;
        byte[] out = new byte[HEADER_END + bodyLength + CHECKSUM_LEN];
        ByteBuffer buf = ByteBuffer.wrap(out);
        buf.put(keySection).put(randomBytes(random, NONCE_LEN)).putInt(bodyLength);
        byte[] nonce = Arrays.copyOfRange(out, KEY_END, KEY_END + NONCE_LEN);
        buf.put(seal(dataKey, nonce, Arrays.copyOf(out, HEADER_END), bodyPlain));
        buf.put(sha256(out, HEADER_END + bodyLength));
        return out;
    }

    static byte[] decryptBody(Path file, Parsed p, byte[] dataKey) throws VaultException {
        byte[] nonce = Arrays.copyOfRange(p.bytes, KEY_END, KEY_END + NONCE_LEN);
        try {
            return open(dataKey, nonce, Arrays.copyOf(p.bytes, HEADER_END), p.bytes, HEADER_END, p.bodyLength);
        } catch (InvalidCipherTextException e) {
            throw new VaultException(Kind.CORRUPT, "vault file " + file
                    + " failed authentication: its contents were modified");
        }
    }

    static byte[] encodeEntries(SortedMap<String, Stored> entries) {
        int size = 4;
        for (Map.Entry<String, Stored> e : entries.entrySet()) {
            size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 8 + 4 + e.getValue().value.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(entries.size());
        for (Map.Entry<String, Stored> e : entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            buf.putShort((short) name.length).put(name).putLong(e.getValue().changedMillis)
                    .putInt(e.getValue().value.length).put(e.getValue().value);
        }
        return buf.array();
    }

    /** Decodes the authenticated entry table; the caller zeroes {@code plain} and the values. */
    static TreeMap<String, Stored> decodeEntries(Path file, byte[] plain) throws VaultException {
        TreeMap<String, Stored> entries = new TreeMap<>();
        try {
            ByteBuffer buf = ByteBuffer.wrap(plain);
            int count = buf.getInt();
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[buf.getShort() & 0xffff];
                buf.get(name);
                long changed = buf.getLong();
                int len = buf.getInt();
                if (len < 0 || len > buf.remaining()) throw new IllegalArgumentException();
                byte[] value = new byte[len];
                buf.get(value);
                entries.put(new String(name, StandardCharsets.UTF_8), new Stored(value, changed));
            }
            if (count < 0 || buf.hasRemaining()) throw new IllegalArgumentException();
            return entries;
        } catch (RuntimeException e) {
            zero(entries);
            throw new VaultException(Kind.CORRUPT, "vault file " + file + " has a malformed entry table");
        }
    }

    static void zero(Map<String, Stored> entries) {
        for (Stored s : entries.values()) Arrays.fill(s.value, (byte) 0);
    }

    static byte[] randomBytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plain) {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), TAG_LEN * 8, nonce, aad));
        byte[] out = new byte[gcm.getOutputSize(plain.length)];
        int n = gcm.processBytes(plain, 0, plain.length, out, 0);
        try {
            gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("GCM encryption cannot fail", e);
        }
        return out;
    }

    private static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] in, int off, int len)
            throws InvalidCipherTextException {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(new KeyParameter(key), TAG_LEN * 8, nonce, aad));
        byte[] out = new byte[gcm.getOutputSize(len)];
        try {
            int n = gcm.processBytes(in, off, len, out, 0);
            gcm.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            Arrays.fill(out, (byte) 0); // never hand out unauthenticated plaintext
            throw e;
        }
    }
}
