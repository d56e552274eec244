package dev.veil.audit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The engine's audit log, opened at its first event rather than at start-up: every agent JVM starts, few
 * inject at once, and opening (file lock, tail check, the JSON codec, time formatting) costs start-up time.
 * A log that cannot be opened fails that first append, so the use it would record does not happen, and the
 * next append tries again.
 */
public final class DeferredAuditLog {
    private final Path file;
    private final AuditLog.Options options;
    private volatile AuditLog log;

    public DeferredAuditLog(Path file, AuditLog.Options options) {
        this.file = file;
        this.options = options;
    }

    /** A log already open. */
    public static DeferredAuditLog of(AuditLog open) {
        DeferredAuditLog d = new DeferredAuditLog(open.file(), null);
        d.log = open;
        return d;
    }

    public Path file() { return file; }

    /** As {@link AuditLog#append}, opening the log first if this is its first event. */
    public AuditEvent append(AuditEvent event) throws IOException {
        AuditLog l = log;
        if (l == null) {
            synchronized (this) {
                if (log == null) log = AuditLog.open(file, options);
                l = log;
            }
        }
        return l.append(event);
    }

    /** As {@link AuditLog#flush}; nothing to force if the log was never opened. */
    public void flush() throws IOException {
        AuditLog l = log;
        if (l != null) l.flush();
    }
}
