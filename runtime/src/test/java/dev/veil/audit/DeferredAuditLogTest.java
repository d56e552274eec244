package dev.veil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeferredAuditLogTest {
    @TempDir Path dir;

    private static AuditEvent inject(String reason) {
        return AuditEvent.builder().event("inject").agent("app").credential("openai")
                .destination("https://api.openai.com/v1/chat").method("POST").rule("rules.yaml:9:9").reason(reason).build();
    }

    private static DeferredAuditLog behind(Path file) {
        return new DeferredAuditLog(file, new AuditLog.Options().syncWithin(Duration.ofSeconds(1)));
    }

    private static List<AuditEvent> records(Path file) throws IOException, AuditCodec.BadRecord {
        List<AuditEvent> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) out.add(AuditCodec.parse(line));
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; Thread.sleep(5)) {
            if (condition.getAsBoolean()) return;
        }
        throw new AssertionError("not within 10 s: " + what);
    }

    private static int lineCount(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).size() : 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test void theWriterThreadWritesQueuedRecordsInOrderAsOneValidChain() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        DeferredAuditLog log = behind(file);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) log.append(inject("t" + thread + " " + i));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
        // No flush: the writer thread gets there by itself.
        await("2,000 records written", () -> lineCount(file) == 2000);
        assertTrue(AuditVerifier.verify(file).ok(), AuditVerifier.verify(file)::message);
        List<AuditEvent> records = records(file);
        for (int t = 0; t < 4; t++) {
            String prefix = "t" + t + " ";
            List<String> mine = records.stream().map(AuditEvent::reason).filter(r -> r.startsWith(prefix)).collect(Collectors.toList());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 500; i++) expected.add(prefix + i);
            assertEquals(expected, mine, "each thread's records in the order it made them");
        }
    }

    @Test void flushWritesAndForcesEverythingWaiting() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        DeferredAuditLog log = behind(file);
        for (int i = 0; i < 100; i++) log.append(inject("r" + i));
        log.flush();
        assertEquals(100, lineCount(file));
        assertEquals(100, Checkpoint.read(file).seq);
    }

    @Test void withoutASyncDelayEachRecordIsWrittenAndForcedBeforeAppendReturns() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        DeferredAuditLog log = new DeferredAuditLog(file, new AuditLog.Options().syncWithin(Duration.ZERO));
        log.append(inject("now"));
        assertEquals(1, lineCount(file));
        assertEquals(1, Checkpoint.read(file).seq);
    }

    @Test void afterTheExitFlushRecordsAreWrittenBeforeAppendReturns() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        DeferredAuditLog log = behind(file);
        log.append(inject("before exit"));
        log.flushAtExit();
        assertEquals(1, lineCount(file));
        log.append(inject("during exit"));
        assertEquals(List.of("before exit", "during exit"), records(file).stream().map(AuditEvent::reason).collect(Collectors.toList()));
    }

    @Test void aLogThatCannotBeWrittenStopsEveryUseUntilItCanAndLosesNoRecord() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        DeferredAuditLog log = behind(file);
        log.append(inject("first"));
        log.flush();
        // Truncated behind Veil's back: the log refuses to continue a chain that no longer matches its checkpoint.
        Files.write(file, new byte[0]);
        log.append(inject("kept"));
        await("appends refused", () -> {
            try {
                log.append(inject("refused"));
                return false;
            } catch (IOException refused) {
                return refused.getMessage().contains("cannot be written") && refused.getMessage().contains("truncated");
            }
        });
        IOException again = assertThrows(IOException.class, () -> log.append(inject("refused")));
        assertTrue(again.getMessage().startsWith("audit log " + file + " cannot be written: "), again.getMessage());
        // Moved aside with its checkpoint, as Veil says to: the writer's retry starts a new log with what it kept.
        Files.delete(Checkpoint.of(file));
        await("the kept record written", () -> lineCount(file) > 0);
        log.append(inject("after"));
        log.flush();
        List<String> reasons = records(file).stream().map(AuditEvent::reason).collect(Collectors.toList());
        assertTrue(reasons.get(0).equals("kept"), reasons.toString());
        assertEquals("after", reasons.get(reasons.size() - 1));
        assertFalse(reasons.contains("first"));
    }
}
