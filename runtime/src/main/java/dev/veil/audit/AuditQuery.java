package dev.veil.audit;

import dev.veil.rules.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Selects records by agent, credential, event and time. Unset filters match everything. Does not
 * verify the chain (that is {@link AuditVerifier}); an incomplete last line (a write in flight) is skipped.
 */
public final class AuditQuery {
    private final Clock clock;
    private String agent;
    private String credential;
    private String event;
    private Instant since;

    public AuditQuery() { this(Clock.systemUTC()); }

    /** {@code clock} anchors relative {@code since} values such as {@code 1h}. */
    public AuditQuery(Clock clock) { this.clock = clock; }

    public AuditQuery agent(String agent) { this.agent = agent; return this; }
    public AuditQuery credential(String credential) { this.credential = credential; return this; }

    public AuditQuery event(String event) {
        if (event != null && !AuditEvent.EVENTS.contains(event)) {
            throw new IllegalArgumentException("unknown audit event '" + event + "': expected one of " + new TreeSet<>(AuditEvent.EVENTS));
        }
        this.event = event;
        return this;
    }

    public AuditQuery since(Instant since) { this.since = since; return this; }

    /** A duration back from now ({@code 1h}, {@code 30m}, {@code 2d}), an instant ({@code 2025-05-01T12:00:00Z}) or a UTC date. */
    public AuditQuery since(String text) {
        String t = text.trim();
        try {
            return since(clock.instant().minus(Durations.parse(t)));
        } catch (IllegalArgumentException notDuration) {
            try {
                return since(Instant.parse(t));
            } catch (DateTimeParseException notInstant) {
                try {
                    return since(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException("bad since '" + text
                            + "': expected a duration such as 1h or 2d, or a time such as 2025-05-01T12:00:00Z or 2025-05-01");
                }
            }
        }
    }

    public boolean matches(AuditEvent e) {
        return (agent == null || agent.equals(e.agent()))
                && (credential == null || credential.equals(e.credential()))
                && (event == null || event.equals(e.event()))
                && (since == null || !e.timestamp().isBefore(since));
    }

    /** Matching records in file order; a line that is not a record is an error naming the line. */
    public List<AuditEvent> run(Path file) throws IOException {
        List<AuditEvent> out = new ArrayList<>();
        try (LineReader r = new LineReader(file)) {
            for (String line = r.next(); line != null && r.terminated(); line = r.next()) {
                AuditEvent e;
                try {
                    e = AuditCodec.parse(line);
                } catch (AuditCodec.BadRecord bad) {
                    throw new IOException(file + ":" + r.number() + ": " + bad.getMessage() + " (run 'veil audit verify')");
                }
                if (matches(e)) out.add(e);
            }
        }
        return out;
    }
}
