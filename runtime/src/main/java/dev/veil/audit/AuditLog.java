package dev.veil.audit;

import java.io.ByteArrayOutputStream;
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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
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
 * happens on each append by default (before it returns), or at most {@link Options#syncWithin} after it on
 * a background thread, and on {@link #flush()}/{@link #close()}. Forcing costs about a millisecond; deferring
 * it means a machine crash may lose, and a truncation may remove undetected, the records of that window.
 * Forcing holds no lock, so appends go on meanwhile; a checkpoint names only records forced before it.
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

        Duration syncWithin() { return syncWithin; }

        Clock clock() { return clock; }
    }

    private static final Set<OpenOption> LOG_OPTIONS =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    /** Up to the seconds: the milliseconds are added per record, the rest formatted once a second. */
    private static final DateTimeFormatter TS_SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
    private static final int MAX_TAIL = 16 << 20;
    // Serializes instances of this JVM on one file: FileLock alone throws when the same JVM locks twice.
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    /** Serializes checkpoint writes of one file in this JVM, which happen outside the append lock. */
    private static final ConcurrentHashMap<Path, Object> CHECKPOINT_WRITES = new ConcurrentHashMap<>();

    private final Path file;
    private final Duration syncWithin;
    private final Clock clock;
    private final UnaryOperator<String> scrubber;
    private final long pid = ProcessHandle.current().pid();
    private final FileChannel channel;
    private final ReentrantLock lock;
    private final Object checkpointWrite;
    // Guarded by lock:
    private final MessageDigest sha256 = AuditCodec.sha256();
    private long lastSeq;
    private String lastHash;
    private long knownSize;
    /** Records of this instance not yet forced. */
    private int pending;
    private boolean syncScheduled;
    private boolean closed;
    private IOException syncFailure;
    private long tsSecond = Long.MIN_VALUE;
    private String tsPrefix;

    private AuditLog(Path file, Options options, FileChannel channel) throws IOException {
        this.file = file;
        this.syncWithin = options.syncWithin;
        this.clock = options.clock;
        this.scrubber = options.scrubber;
        this.channel = channel;
        this.lock = JVM_LOCKS.computeIfAbsent(file, k -> new ReentrantLock());
        this.checkpointWrite = CHECKPOINT_WRITES.computeIfAbsent(file, k -> new Object());
        lock.lock();
        try (FileLock ignored = channel.lock()) {
            Checkpoint.removeAbandoned(file);
            long size = channel.size();
            if (size == 0 && Checkpoint.read(file) == null) {
                synchronized (checkpointWrite) {
                    Checkpoint.write(file, 0, AuditCodec.GENESIS);
                }
            }
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
        return appendAll(List.of(new Stamped(Objects.requireNonNull(event, "event"), clock.millis()))).get(0);
    }

    /** An event and when it happened, for a record written a little later ({@link DeferredAuditLog}). */
    static final class Stamped {
        final AuditEvent event;
        final long millis;

        Stamped(AuditEvent event, long millis) {
            this.event = event;
            this.millis = millis;
        }
    }

    /**
     * Appends {@code events} in order with one locked write, all of them or (on an error) none, and returns the
     * records as written.
     */
    List<AuditEvent> appendAll(List<Stamped> events) throws IOException {
        // Scrubbing needs no lock.
        List<AuditEvent> scrubbed = new ArrayList<>(events.size());
        for (Stamped s : events) {
            AuditEvent e = s.event;
            scrubbed.add(new AuditEvent(null, 0, scrub(e.agent()), pid, e.event(), scrub(e.credential()),
                    scrub(e.destination()), scrub(e.method()), scrub(e.rule()), scrub(e.reason()), null, null));
        }
        List<AuditEvent> records = new ArrayList<>(events.size());
        boolean syncNow;
        lock.lock();
        try (FileLock ignored = lockFile()) {
            long size = channel.size();
            if (size != knownSize) loadTail(size);
            long seq = lastSeq;
            String hash = lastHash;
            ByteArrayOutputStream lines = new ByteArrayOutputStream(256 * events.size());
            for (int i = 0; i < scrubbed.size(); i++) {
                AuditEvent e = scrubbed.get(i);
                AuditEvent unsealed = new AuditEvent(timestamp(events.get(i).millis), ++seq, e.agent(), pid, e.event(), e.credential(),
                        e.destination(), e.method(), e.rule(), e.reason(), hash, null);
                // Serialized once: the hash covers the record without its hash field, which then closes the line.
                byte[] line = AuditCodec.sealedLine(sha256, AuditCodec.json(unsealed, false));
                hash = AuditCodec.hashOf(line);
                records.add(unsealed.sealed(hash));
                lines.write(line, 0, line.length);
            }
            ByteBuffer bytes = ByteBuffer.wrap(lines.toByteArray());
            int length = bytes.remaining();
            try {
                long at = size;
                while (bytes.hasRemaining()) at += channel.write(bytes, at);
            } catch (IOException e) {
                channel.truncate(size); // leave no half record behind (e.g. disk full)
                throw e;
            }
            knownSize = size + length;
            lastSeq = seq;
            lastHash = hash;
            pending += records.size();
            syncNow = syncWithin.isZero();
            if (!syncNow && !syncScheduled) {
                syncScheduled = true;
                Syncer.INSTANCE.schedule(this::syncLater, syncWithin.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
        if (syncNow) sync(lastOf(records).seq(), lastOf(records).hash(), records.size());
        return records;
    }

    private static AuditEvent lastOf(List<AuditEvent> records) { return records.get(records.size() - 1); }

    /** ISO-8601 UTC with milliseconds; the part up to the seconds is formatted once a second. Under the lock. */
    private String timestamp(long millis) {
        long second = Math.floorDiv(millis, 1000L);
        if (second != tsSecond) {
            tsPrefix = TS_SECONDS.format(Instant.ofEpochSecond(second));
            tsSecond = second;
        }
        int ms = (int) Math.floorMod(millis, 1000L);
        return tsPrefix + (char) ('0' + ms / 100) + (char) ('0' + ms / 10 % 10) + (char) ('0' + ms % 10) + 'Z';
    }

    /** Forces pending records to disk and writes the checkpoint. */
    public void flush() throws IOException {
        long seq;
        String hash;
        int records;
        lock.lock();
        try (FileLock ignored = lockFile()) {
            long size = channel.size();
            if (size != knownSize) loadTail(size);
            if (pending == 0) return;
            seq = lastSeq;
            hash = lastHash;
            records = pending;
        } finally {
            lock.unlock();
        }
        sync(seq, hash, records);
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
        long seq;
        String hash;
        int records;
        lock.lock();
        try {
            syncScheduled = false;
            if (closed || pending == 0) return;
            seq = lastSeq;
            hash = lastHash;
            records = pending;
        } finally {
            lock.unlock();
        }
        try {
            sync(seq, hash, records);
        } catch (IOException e) {
            lock.lock();
            try {
                if (!closed) syncFailure = e;
            } finally {
                lock.unlock();
            }
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

    /**
     * Forces the file, which makes every record written so far durable (the {@code records} pending ones of this
     * instance up to {@code seq} among them), then checkpoints {@code seq} unless the checkpoint is as new already
     * (another thread's force got there first). No lock is held while forcing, so appends go on.
     */
    private void sync(long seq, String hash, int records) throws IOException {
        channel.force(false);
        synchronized (checkpointWrite) {
            Checkpoint cp = Checkpoint.read(file);
            if (cp == null || cp.seq < seq) Checkpoint.write(file, seq, hash);
        }
        lock.lock();
        try {
            pending -= records;
        } finally {
            lock.unlock();
        }
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
