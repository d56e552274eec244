package dev.veil.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's audit log, opened at its first event rather than at start-up: every agent JVM starts, few
 * inject at once, and opening (file lock, tail check, the JSON codec, time formatting) costs start-up time.
 *
 * <p>With a sync delay (the default), records are written behind the calls they record: {@link #append} queues
 * the event with the time it happened and returns, and one daemon thread writes what has queued, many records
 * with one locked write, lingering a millisecond between writes while records keep coming. A record costs its
 * call about a microsecond instead of four system calls (file lock, size, write, unlock: 10-20 µs on a small VM,
 * which was nine tenths of what Veil added to an injected loopback request). The price: a process killed
 * abruptly (SIGKILL, a crash) loses the records of its last millisecond or so; an exit writes them all, and from
 * then on records are written inline. With no delay ({@code sync: always}) each record is written and forced
 * before {@link #append} returns.
 *
 * <p>A use that cannot be audited does not go on: a log that cannot be opened fails the first append, and a log
 * that cannot be written fails every append from the failed write until a write succeeds again. Records
 * already queued are kept and tried again, in order, every {@link #RETRY_NANOS}.
 */
public final class DeferredAuditLog {
    /** How long the writer waits for more records after a write, so that a busy process writes in batches. */
    private static final long LINGER_NANOS = 1_000_000;
    /** Lingering this many times with nothing to write, the writer sleeps until the next record wakes it. */
    private static final int IDLE_LINGERS = 100;
    private static final long RETRY_NANOS = 100_000_000;
    /** Past this many records waiting, a caller writes them itself: the writer has fallen behind. */
    private static final int MAX_QUEUED = 65_536;

    private final Path file;
    private final AuditLog.Options options;
    /** Whether records are written behind the calls (a sync delay) rather than before they return. */
    private final boolean behind;
    private volatile AuditLog log;
    private final ConcurrentLinkedQueue<AuditLog.Stamped> queue = new ConcurrentLinkedQueue<>();
    /** Records queued or taken from the queue and not yet written. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** One write at a time, in queue order: the writer thread's, or a caller's that flushes or found the queue full. */
    private final Object writing = new Object();
    /** Taken from the queue and not yet written (a write failed). Guarded by {@link #writing}. */
    private final List<AuditLog.Stamped> unwritten = new ArrayList<>();
    /** The last write's failure, until a write succeeds. */
    private volatile IOException failure;
    private volatile Thread writer;
    private volatile boolean writerAsleep;
    /** Set at exit: from then on every record is written before its call goes on. */
    private volatile boolean inline;

    public DeferredAuditLog(Path file, AuditLog.Options options) {
        this.file = file;
        this.options = options;
        this.behind = !options.syncWithin().isZero();
    }

    /** A log already open, written inline. */
    public static DeferredAuditLog of(AuditLog open) {
        DeferredAuditLog d = new DeferredAuditLog(open.file(), new AuditLog.Options());
        d.log = open;
        return d;
    }

    public Path file() { return file; }

    /**
     * Records {@code event}: queued to be written at once by the writer thread, or written (and forced) before
     * returning when the log has no sync delay. Opens the log first if this is its first event.
     *
     * @throws IOException when the log cannot be opened, or its last write failed: the use must not go on
     */
    public void append(AuditEvent event) throws IOException {
        AuditLog l = open();
        if (!behind) {
            l.append(event);
            return;
        }
        IOException failed = failure;
        if (failed != null) throw new IOException("audit log " + file + " cannot be written: " + failed.getMessage(), failed);
        if (waiting.incrementAndGet() > MAX_QUEUED) {
            try {
                writeWaiting();
            } catch (IOException e) {
                waiting.decrementAndGet(); // this record is not queued
                throw e;
            }
        }
        queue.offer(new AuditLog.Stamped(event, options.clock().millis()));
        if (inline) {
            writeWaiting();
        } else if (writerAsleep) {
            LockSupport.unpark(writer);
        }
    }

    /** Writes every record waiting, then forces the log; nothing to do if it was never opened. */
    public void flush() throws IOException {
        AuditLog l = log;
        if (l == null) return;
        writeWaiting();
        l.flush();
    }

    /** At exit: records from now on are written before their calls go on, and those waiting are written and forced. */
    public void flushAtExit() throws IOException {
        inline = true;
        flush();
    }

    private AuditLog open() throws IOException {
        AuditLog l = log;
        if (l != null) return l;
        synchronized (this) {
            if (log == null) {
                log = AuditLog.open(file, options);
                if (behind) {
                    Thread t = new Thread(this::writeBehind, "veil-audit-writer");
                    t.setDaemon(true);
                    writer = t;
                    t.start();
                }
            }
            return log;
        }
    }

    /** The writer thread: writes what is waiting, lingers, and sleeps when there has been nothing for a while. */
    private void writeBehind() {
        int idle = 0;
        while (true) {
            try {
                if (writeWaiting()) idle = 0;
            } catch (IOException e) {
                LockSupport.parkNanos(RETRY_NANOS);
                continue;
            }
            if (++idle < IDLE_LINGERS) {
                LockSupport.parkNanos(LINGER_NANOS);
                continue;
            }
            writerAsleep = true;
            // A record queued before the flag was seen is found here; one queued after it unparks.
            if (queue.isEmpty()) LockSupport.park(this);
            writerAsleep = false;
            idle = 0;
        }
    }

    /** Writes every record waiting, in order, with one write; false if there was none. */
    private boolean writeWaiting() throws IOException {
        synchronized (writing) {
            for (AuditLog.Stamped s; (s = queue.poll()) != null; ) unwritten.add(s);
            if (unwritten.isEmpty()) return false;
            try {
                log.appendAll(unwritten);
            } catch (IOException e) {
                failure = e;
                throw e;
            } catch (RuntimeException e) {
                IOException io = new IOException(e.getClass().getName(), e);
                failure = io;
                throw io;
            }
            waiting.addAndGet(-unwritten.size());
            unwritten.clear();
            failure = null;
            return true;
        }
    }
}
