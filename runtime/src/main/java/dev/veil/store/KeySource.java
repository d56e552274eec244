package dev.veil.store;

import dev.veil.store.VaultException.Kind;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Function;

/**
 * Where a vault key comes from: {@code env:NAME} (an environment variable) or {@code file:PATH}
 * (a file holding the key; one trailing newline is ignored, {@code ~} is expanded). The key itself
 * never appears in the rules file, and messages never repeat a setting that does not parse (it
 * might be a key pasted in by mistake).
 *
 * <p>A key file that group or others can read works, but prints a one-time warning on stderr
 * ({@code chmod 600} it); it is not an error because secret mounts such as Kubernetes' default
 * to 0644 inside a container that has one user.
 */
public final class KeySource {
    private static final long MAX_KEY_FILE = 64 * 1024;

    private KeySource() {}

    /** Checks the form of a key setting without reading the key. */
    public static void check(String spec) throws VaultException {
        if (!(spec.startsWith("env:") && spec.length() > 4) && !(spec.startsWith("file:") && spec.length() > 5)) {
            throw new VaultException(Kind.KEY_SPEC,
                    "the vault key setting must be env:NAME or file:PATH (the key itself never goes in the rules file)");
        }
    }

    /** Resolves a key setting to the key; the caller owns the array and zeroes it. */
    public static char[] resolve(String spec) throws VaultException {
        return resolve(spec, System::getenv);
    }

    static char[] resolve(String spec, Function<String, String> env) throws VaultException {
        check(spec);
        if (spec.startsWith("env:")) {
            String name = spec.substring(4);
            String value = env.apply(name);
            if (value == null || value.isEmpty()) {
                throw new VaultException(Kind.KEY_MISSING, "the vault key environment variable " + name
                        + (value == null ? " is not set" : " is empty"));
            }
            return value.toCharArray();
        }
        return fromFile(Vault.path(spec.substring(5)));
    }

    private static char[] fromFile(Path file) throws VaultException {
        byte[] bytes;
        try {
            bytes = VaultFiles.readLimited(file, MAX_KEY_FILE);
            warnIfShared(file);
        } catch (IOException e) {
            throw new VaultException(Kind.KEY_UNREADABLE, "cannot read the vault key file " + file + ": "
                    + VaultFiles.describe(e), e);
        }
        try {
            int len = bytes.length;
            if (len > 0 && bytes[len - 1] == '\n') len--;
            if (len > 0 && bytes[len - 1] == '\r' && len < bytes.length) len--;
            if (len == 0) throw new VaultException(Kind.KEY_MISSING, "the vault key file " + file + " is empty");
            return Utf8.decode(bytes, 0, len);
        } catch (CharacterCodingException e) {
            throw new VaultException(Kind.KEY_UNREADABLE, "the vault key file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void warnIfShared(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) return;
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            Notices.once("key-file:" + file, "the vault key file " + file
                    + " can be read by other users; restrict it with chmod 600");
        }
    }
}
