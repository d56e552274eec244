package dev.veil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditQueryTest {
    @TempDir Path dir;
    Path file;
    final Instant t0 = Instant.parse("2025-05-01T10:00:00Z");
    Instant now = t0;
    final Clock clock = new Clock() {
        @Override public Instant instant() { return now; }
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
    };

    @BeforeEach void log() throws Exception {
        file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file, new AuditLog.Options().clock(clock))) {
            log.append(AuditEvent.builder().event("inject").agent("research").credential("openai").build());
            now = t0.plus(Duration.ofMinutes(30));
            log.append(AuditEvent.builder().event("deny").agent("research").credential("github").build());
            now = t0.plus(Duration.ofHours(2));
            log.append(AuditEvent.builder().event("inject").agent("ops").credential("openai").build());
            log.append(AuditEvent.builder().event("reload").build());
        }
    }

    static List<Long> seqs(List<AuditEvent> events) { return events.stream().map(AuditEvent::seq).collect(Collectors.toList()); }

    @Test void filters() throws Exception {
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(new AuditQuery().run(file)));
        assertEquals(List.of(1L, 2L), seqs(new AuditQuery().agent("research").run(file)));
        assertEquals(List.of(1L, 3L), seqs(new AuditQuery().credential("openai").run(file)));
        assertEquals(List.of(2L), seqs(new AuditQuery().event("deny").run(file)));
        assertEquals(List.of(1L), seqs(new AuditQuery().agent("research").credential("openai").event("inject").run(file)));
        assertEquals(List.of(2L, 3L, 4L), seqs(new AuditQuery().since(t0.plus(Duration.ofMinutes(30))).run(file)));
        assertEquals(List.of(3L, 4L), seqs(new AuditQuery().since("2025-05-01T11:00:00Z").run(file)));
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(new AuditQuery().since("2025-05-01").run(file)));
    }

    @Test void sinceADurationCountsBackFromTheClock() throws Exception {
        now = t0.plus(Duration.ofHours(3));
        assertEquals(List.of(3L, 4L), seqs(new AuditQuery(clock).since("1h").run(file)));
        assertEquals(List.of(2L, 3L, 4L), seqs(new AuditQuery(clock).since("2h30m").run(file)));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new AuditQuery(clock).since("yesterday"));
        assertTrue(bad.getMessage().contains("bad since 'yesterday'"));
        assertThrows(IllegalArgumentException.class, () -> new AuditQuery().event("nope"));
    }

    @Test void recordsCarryTheirFields() throws Exception {
        AuditEvent e = new AuditQuery().event("deny").run(file).get(0);
        assertEquals("research", e.agent());
        assertEquals("github", e.credential());
        assertEquals("2025-05-01T10:30:00.000Z", e.ts());
        assertEquals(t0.plus(Duration.ofMinutes(30)), e.timestamp());
    }

    @Test void badLineIsNamedAndAnIncompleteLastLineSkipped() throws Exception {
        Files.write(file, "{\"seq\":5".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertEquals(4, new AuditQuery().run(file).size());
        Files.write(file, "\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        IOException e = assertThrows(IOException.class, () -> new AuditQuery().run(file));
        assertTrue(e.getMessage().startsWith(file + ":5: not JSON"), e.getMessage());
    }
}
