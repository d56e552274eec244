package dev.veil.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The append-only, hash-chained audit log (JSON Lines, see {@link AuditCodec} for the format).
 *
 * <p>Durability: every append is written with one positional write, so it survives the process being
 * killed. Forcing it to disk and then replacing the checkpoint ({@code <file>.checkpoint}) atomically
 * happens on each append by default, or at most {@link Options#syncWithin} after it on a background
 * thread, and on {@link #flush()}/{@link #close()}. Forcing costs about a millisecond; deferring it
 * means a machine crash may lose, and a truncation may remove undetected, the records of that window.
 *
 * <p>Opening continues the existing chain from its last line. A log whose tail is corrupt (cut or
 * edited last line), or that ends before its checkpoint, is refused rather than continued: appending
 * would bury the evidence under a chain that verifies. Move the file aside after {@code veil audit verify}.
 *
 * <p>Thread-safe, and safe across processes sharing one file: each append holds an exclusive file
 * lock and re-reads the tail if another process appended since. New files are mode 0600, new
 * directories 0700 (on POSIX file systems).
 *
 * <p>The scrubber runs on every free-text field (agent, credential, destination, method, rule,
 * reason) before hashing, so a value it recognizes never reaches the file.
 */
public final class AuditLog implements Closeable {
    /** Tuning and hooks; the defaults are durable and write the current process id. */
    public static final class Options {
        private Duration syncWithin = Duration.ZERO;
        private Clock clock = Clock.systemUTC();
        private UnaryOperator<String> scrubber = UnaryOperator.identity();

        /** Force and checkpoint at most {@code delay} after an append; zero (the default) forces each append. */
        public Options syncWithin(Duration delay) {
            if (delay.isNegative()) throw new IllegalArgumentException("audit sync delay must not be negative, got " + delay);
            this.syncWithin = delay;
            return this;
        }

        public Options clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

        public Options scrubber(UnaryOperator<String> scrubber) { this.scrubber = Objects.requireNonNull(scrubber); return this; }
    }

    private static final Set<OpenOption> LOG_OPTIONS =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_TAIL = 16 << 20;
    // Serializes instances of this JVM on one file: FileLock alone throws when the same JVM locks twice.
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Duration syncWithin;
    private final Clock clock;
    private final UnaryOperator<String> scrubber;
    private final long pid = ProcessHandle.current().pid();
    private final FileChannel channel;
    private final ReentrantLock lock;
    private long lastSeq;
    private String lastHash;
    private long knownSize;
    private int pending;
    private boolean closed;
    private IOException syncFailure;

    private AuditLog(Path file, Options options, FileChannel channel) throws IOException {
        this.file = file;
        this.syncWithin = options.syncWithin;
        this.clock = options.clock;
        this.scrubber = options.scrubber;
        this.channel = channel;
        this.lock = JVM_LOCKS.computeIfAbsent(file, k -> new ReentrantLock());
        lock.lock();
        try (FileLock ignored = channel.lock()) {
            long size = channel.size();
            if (size == 0 && Checkpoint.read(file) == null) Checkpoint.write(file, 0, AuditCodec.GENESIS);
            loadTail(size);
        } finally {
            lock.unlock();
        }
    }

    public static AuditLog open(Path file) throws IOException { return open(file, new Options()); }

    public static AuditLog open(Path file, Options options) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent != null && !Files.isDirectory(parent)) Files.createDirectories(parent, ownerOnly(parent, true));
        FileChannel ch = FileChannel.open(abs, LOG_OPTIONS, ownerOnly(abs, false));
        try {
            return new AuditLog(abs.toRealPath(), options, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public Path file() { return file; }

    /** Appends one event and returns the record as written (with ts, seq, pid, prev and hash). */
    public AuditEvent append(AuditEvent event) throws IOException {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try (FileLock ignored = lockFile()) {
            long size = channel.size();
            if (size != knownSize) loadTail(size);
            AuditEvent unsealed = new AuditEvent(TS.format(clock.instant()), lastSeq + 1, scrub(event.agent()), pid,
                    event.event(), scrub(event.credential()), scrub(event.destination()), scrub(event.method()),
                    scrub(event.rule()), scrub(event.reason()), lastHash, null);
            AuditEvent record = new AuditEvent(unsealed.ts(), unsealed.seq(), unsealed.agent(), pid, unsealed.event(),
                    unsealed.credential(), unsealed.destination(), unsealed.method(), unsealed.rule(), unsealed.reason(),
                    lastHash, AuditCodec.hash(unsealed));
            ByteBuffer bytes = ByteBuffer.wrap((AuditCodec.json(record, true) + "\n").getBytes(StandardCharsets.UTF_8));
            int length = bytes.remaining();
            try {
                long at = size;
                while (bytes.hasRemaining()) at += channel.write(bytes, at);
            } catch (IOException e) {
                channel.truncate(size); // leave no half record behind (e.g. disk full)
                throw e;
            }
            knownSize = size + length;
            lastSeq = record.seq();
            lastHash = record.hash();
            if (++pending == 1 && !syncWithin.isZero()) {
                Syncer.INSTANCE.schedule(this::syncLater, syncWithin.toNanos(), TimeUnit.NANOSECONDS);
            } else if (syncWithin.isZero()) {
                sync();
            }
            return record;
        } finally {
            lock.unlock();
        }
    }

    /** Forces pending records to disk and writes the checkpoint. */
    public void flush() throws IOException {
        lock.lock();
        try (FileLock ignored = lockFile()) {
            long size = channel.size();
            if (size != knownSize) loadTail(size);
            if (pending > 0) sync();
        } finally {
            lock.unlock();
        }
    }

    @Override public void close() throws IOException {
        lock.lock();
        try {
            if (closed) return;
            try {
                if (pending > 0) flush();
            } finally {
                closed = true;
                channel.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private FileLock lockFile() throws IOException {
        if (closed) throw new IOException("audit log " + file + " is closed");
        IOException failed = syncFailure;
        if (failed != null) {
            syncFailure = null;
            throw new IOException("audit log " + file + " could not be forced to disk: " + failed.getMessage(), failed);
        }
        return channel.lock();
    }

    /** The deferred force; a failure is thrown by the next append or flush, which the caller then sees. */
    private void syncLater() {
        lock.lock();
        try {
            if (closed || pending == 0) return;
            try (FileLock ignored = channel.lock()) {
                sync();
            } catch (IOException e) {
                syncFailure = e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** One daemon thread forces every deferred log; it never keeps the JVM alive. */
    private static final class Syncer {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veil-audit-sync");
            t.setDaemon(true);
            return t;
        });
    }

    private String scrub(String text) { return text == null ? null : scrubber.apply(text); }

    private void sync() throws IOException {
        channel.force(false);
        Checkpoint.write(file, lastSeq, lastHash);
        pending = 0;
    }

    /** Takes seq and hash from the last line, refusing a tail that would break the chain. */
    private void loadTail(long size) throws IOException {
        long seq = 0;
        String hash = AuditCodec.GENESIS;
        if (size > 0) {
            AuditEvent last;
            try {
                last = AuditCodec.parse(lastLine(size));
            } catch (AuditCodec.BadRecord e) {
                throw refuse("its last record is corrupt (" + e.getMessage() + ")");
            }
            if (!AuditCodec.hash(last).equals(last.hash())) throw refuse("its last record was edited (hash mismatch)");
            seq = last.seq();
            hash = last.hash();
        }
        Checkpoint cp = Checkpoint.read(file);
        if (cp == null && size > 0) throw refuse("its checkpoint " + Checkpoint.of(file) + " is missing");
        if (cp != null && (cp.seq > seq || (cp.seq == seq && !cp.hash.equals(hash)))) {
            throw refuse("it was truncated or rewritten: the checkpoint is at seq " + cp.seq + " but the log ends at seq " + seq);
        }
        lastSeq = seq;
        lastHash = hash;
        knownSize = size;
    }

    private String lastLine(long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, size - 1);
        if (one.get(0) != '\n') throw refuse("it ends with an incomplete line (a write was cut short)");
        long end = size - 1;
        long start = end;
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        search:
        while (start > 0) {
            long from = Math.max(0, start - chunk.capacity());
            chunk.clear().limit((int) (start - from));
            while (chunk.hasRemaining()) {
                if (channel.read(chunk, from + chunk.position()) < 0) break;
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    start = from + i + 1;
                    break search;
                }
            }
            start = from;
            if (end - start > MAX_TAIL) throw refuse("its last line is longer than " + MAX_TAIL + " bytes");
        }
        ByteBuffer line = ByteBuffer.allocate((int) (end - start));
        while (line.hasRemaining()) {
            if (channel.read(line, start + line.position()) < 0) break;
        }
        return new String(line.array(), 0, line.position(), StandardCharsets.UTF_8);
    }

    private IOException refuse(String why) {
        return new IOException("audit log " + file + " cannot be continued: " + why
                + "; run 'veil audit verify " + file + "' and move the file aside");
    }

    static FileAttribute<?>[] ownerOnly(Path path, boolean directory) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return new FileAttribute<?>[0];
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))};
    }
}
