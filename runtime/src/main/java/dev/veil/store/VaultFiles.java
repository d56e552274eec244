package dev.veil.store;

import dev.veil.store.VaultException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** File plumbing for the vault: private files, atomic replacement, cross-process locking, change stamps. */
final class VaultFiles {
    /** In-process half of the lock: FileChannel.lock is per process, so threads must also queue here. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private VaultFiles() {}

    interface Locked<T> {
        T run() throws VaultException;
    }

    /** Runs {@code action} holding both the in-process lock and an OS lock on {@code <file>.lock}. */
    static <T> T withLock(Path file, Locked<T> action) throws VaultException {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock local = LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        try {
            Path lockFile = key.resolveSibling(key.getFileName() + ".lock");
            try (FileChannel ch = FileChannel.open(lockFile,
                    EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), privateFile(key.getParent()));
                 FileLock ignored = ch.lock()) {
                return action.run();
            } catch (IOException e) {
                throw new VaultException(Kind.IO, "cannot lock vault file " + file + ": " + describe(e), e);
            }
        } finally {
            local.unlock();
        }
    }

    /**
     * Replaces {@code file} with {@code content}: a new 0600 temp file in the same directory, forced
     * to disk, renamed over the target atomically, then the directory forced so the rename survives
     * a crash. Readers see the old file or the new one, never a mix.
     */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        Path dir = target.getParent();
        byte[] suffix = new byte[8];
        RANDOM.nextBytes(suffix);
        Path tmp = dir.resolve("." + target.getFileName() + "." + hex(suffix) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), privateFile(dir))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically", e);
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; the rename itself already happened.
        }
    }

    /** Creates missing directories as 0700 on POSIX. */
    static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing != null && posix(existing)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** Created with owner-only permissions on POSIX (not chmod afterwards, so there is no readable window). */
    static FileAttribute<?>[] privateFile(Path dir) throws IOException {
        if (posix(dir)) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }

    static boolean posix(Path existing) throws IOException {
        return Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
    }

    /** Reads a whole file of at most {@code max} bytes. */
    static byte[] readLimited(Path file, long max) throws IOException {
        long size = Files.size(file);
        if (size > max) throw new IOException(file + " is larger than " + max + " bytes");
        return Files.readAllBytes(file);
    }

    /** What identifies one version of a file: a rename gives a new inode, a write a new mtime and size. */
    static final class Stamp {
        private final Object fileKey;
        private final long modifiedNanos;
        private final long size;

        private Stamp(Object fileKey, long modifiedNanos, long size) {
            this.fileKey = fileKey;
            this.modifiedNanos = modifiedNanos;
            this.size = size;
        }

        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            long nanos = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return new Stamp(a.fileKey(), nanos, a.size());
        }

        @Override public boolean equals(Object o) {
            if (!(o instanceof Stamp)) return false;
            Stamp s = (Stamp) o;
            return Objects.equals(fileKey, s.fileKey) && modifiedNanos == s.modifiedNanos && size == s.size;
        }

        @Override public int hashCode() { return Objects.hash(fileKey, modifiedNanos, size); }
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file " + e.getMessage();
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        return sb.toString();
    }
}
