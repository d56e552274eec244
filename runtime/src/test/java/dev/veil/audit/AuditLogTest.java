package dev.veil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir Path dir;

    static AuditEvent inject(String agent, String credential) {
        return AuditEvent.builder().event("inject").agent(agent).credential(credential)
                .destination("https://api.openai.com/v1/chat").method("POST").rule("rules.yaml:9:9").reason("allowed").build();
    }

    static List<String> lines(Path file) throws IOException { return Files.readAllLines(file, StandardCharsets.UTF_8); }

    @Test void writesExactlyTheDesignFieldsChainedFromGenesis() throws Exception {
        Path file = dir.resolve("a/b/audit.jsonl");
        Clock clock = Clock.fixed(Instant.parse("2025-05-01T12:00:00Z"), ZoneOffset.UTC);
        try (AuditLog log = AuditLog.open(file, new AuditLog.Options().clock(clock))) {
            AuditEvent first = log.append(inject("research-agent", "openai"));
            AuditEvent second = log.append(AuditEvent.builder().event("reload").reason("rules changed").build());
            assertEquals(1, first.seq());
            assertEquals("0".repeat(64), first.prev());
            assertEquals(first.hash(), second.prev());
            assertEquals(2, second.seq());
            assertNull(second.agent());
        }
        List<String> lines = lines(file);
        assertEquals(2, lines.size());
        JsonNode n = new ObjectMapper().readTree(lines.get(0));
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) names.add(it.next());
        assertEquals(List.of("ts", "seq", "agent", "pid", "event", "credential", "destination", "method", "rule", "reason", "prev", "hash"), names);
        assertEquals("2025-05-01T12:00:00.000Z", n.get("ts").asText());
        assertEquals(ProcessHandle.current().pid(), n.get("pid").asLong());
        assertEquals("inject", n.get("event").asText());
        assertTrue(n.get("hash").asText().matches("[0-9a-f]{64}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertTrue(AuditVerifier.verify(file).ok(), AuditVerifier.verify(file)::message);
    }

    @Test void reopeningContinuesTheChain() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        String lastHash;
        try (AuditLog log = AuditLog.open(file)) {
            log.append(inject("a", "openai"));
            lastHash = log.append(inject("a", "openai")).hash();
        }
        try (AuditLog log = AuditLog.open(file)) {
            AuditEvent third = log.append(inject("b", "github"));
            assertEquals(3, third.seq());
            assertEquals(lastHash, third.prev());
        }
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertTrue(r.ok(), r::message);
        assertEquals(3, r.records());
        assertEquals(file + ": ok, 3 records", r.message());
    }

    @Test void twoInstancesOnOneFileInterleaveIntoOneChain() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog one = AuditLog.open(file); AuditLog two = AuditLog.open(file)) {
            for (int i = 0; i < 5; i++) {
                one.append(inject("one", "openai"));
                two.append(inject("two", "openai"));
            }
        }
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertTrue(r.ok(), r::message);
        assertEquals(10, r.records());
    }

    @Test void refusesToContinueACorruptOrTruncatedTail() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            for (int i = 0; i < 3; i++) log.append(inject("a", "openai"));
        }
        byte[] good = Files.readAllBytes(file);

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 5)); // cut mid-line
        IOException cut = assertThrows(IOException.class, () -> AuditLog.open(file));
        assertTrue(cut.getMessage().contains("incomplete line"), cut.getMessage());

        writeBytes(file, good);
        writeLines(file, lines(file).subList(0, 2)); // the whole last record removed
        IOException truncated = assertThrows(IOException.class, () -> AuditLog.open(file));
        assertTrue(truncated.getMessage().contains("checkpoint is at seq 3 but the log ends at seq 2"), truncated.getMessage());

        List<String> edited = lines(writeBytes(file, good));
        edited.set(2, edited.get(2).replace("\"agent\":\"a\"", "\"agent\":\"x\""));
        writeLines(file, edited);
        IOException hash = assertThrows(IOException.class, () -> AuditLog.open(file));
        assertTrue(hash.getMessage().contains("edited"), hash.getMessage());
        assertTrue(hash.getMessage().contains("veil audit verify"), hash.getMessage());
        // Refusing changed nothing.
        assertEquals(edited, lines(file));
    }

    @Test void deferredSyncWritesTheCheckpointSoonAfterAndOnClose() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Path checkpoint = dir.resolve("audit.jsonl.checkpoint");
        try (AuditLog log = AuditLog.open(file, new AuditLog.Options().syncWithin(Duration.ofMillis(200)))) {
            log.append(inject("a", "openai"));
            log.append(inject("a", "openai"));
            // Written at once (a killed process loses nothing), forced and checkpointed later.
            assertEquals(2, lines(file).size());
            assertTrue(Files.readString(checkpoint).startsWith("{\"seq\":0,"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.readString(checkpoint).startsWith("{\"seq\":2,") && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(Files.readString(checkpoint).startsWith("{\"seq\":2,"));
            log.append(inject("a", "openai"));
        }
        assertTrue(Files.readString(checkpoint).startsWith("{\"seq\":3,"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(checkpoint)));
        assertThrows(IllegalArgumentException.class, () -> new AuditLog.Options().syncWithin(Duration.ofMillis(-1)));
    }

    @Test void withoutDelayEachAppendIsCheckpointed() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            log.append(inject("a", "openai"));
            assertTrue(Files.readString(dir.resolve("audit.jsonl.checkpoint")).startsWith("{\"seq\":1,"));
        }
    }

    @Test void openingRemovesTemporaryCheckpointsOfProcessesThatAreGone() throws Exception {
        Process ended = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version").redirectErrorStream(true).start();
        ended.getInputStream().readAllBytes();
        ended.waitFor();
        // The log's name holds glob characters: they are taken literally.
        Path abandoned = dir.resolve("audit[1].jsonl.checkpoint." + ended.pid() + ".tmp");
        Path running = dir.resolve("audit[1].jsonl.checkpoint." + ProcessHandle.current().parent().orElseThrow().pid() + ".tmp");
        Path otherLog = dir.resolve("audit1.jsonl.checkpoint." + ended.pid() + ".tmp");
        for (Path p : List.of(abandoned, running, otherLog)) Files.writeString(p, "{\"seq\":0,");
        try (AuditLog log = AuditLog.open(dir.resolve("audit[1].jsonl"))) {
            log.append(inject("a", "openai"));
        }
        assertFalse(Files.exists(abandoned), "a killed process's temporary checkpoint is removed");
        assertTrue(Files.exists(running), "a running process's write in progress is left alone");
        assertTrue(Files.exists(otherLog), "another log's files are left alone");
    }

    @Test void appendAfterCloseFails() throws Exception {
        AuditLog log = AuditLog.open(dir.resolve("audit.jsonl"));
        log.close();
        log.close();
        assertThrows(IOException.class, () -> log.append(inject("a", "b")));
    }

    @Test void concurrentAppendsFormOneValidChain() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        int threads = 8, each = 50;
        try (AuditLog log = AuditLog.open(file)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String agent = "agent-" + t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) log.append(inject(agent, "openai"));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
            pool.shutdown();
        }
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertTrue(r.ok(), r::message);
        assertEquals(threads * each, r.records());
        assertEquals(each, new AuditQuery().agent("agent-3").run(file).size());
    }

    @Test void scrubberKeepsARegisteredSecretOutOfTheLog() throws Exception {
        String secret = "sk-test-4f9a8b7c6d5e4f3a2b1c";
        Path file = dir.resolve("audit.jsonl");
        AuditLog.Options options = new AuditLog.Options().scrubber(s -> s.replace(secret, "veil:openai"));
        try (AuditLog log = AuditLog.open(file, options)) {
            AuditEvent written = log.append(AuditEvent.builder().event("deny").agent("a").credential("openai")
                    .destination("https://evil.example/?k=" + secret).reason("request carried " + secret).build());
            assertEquals("request carried veil:openai", written.reason());
        }
        String text = Files.readString(file);
        assertFalse(text.contains(secret));
        assertTrue(text.contains("request carried veil:openai"));
        assertTrue(AuditVerifier.verify(file).ok()); // scrubbed before hashing
    }

    /** Each line is exactly Jackson's serialization of the record with its hash, over escapes and non-ASCII text. */
    @Test void linesAreTheCanonicalJsonWithTheHashAppended() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        String[] texts = {"plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "ctl \u0001\u001f\u007f", "é ü 日本 😀",
                "</script>&<>'", "", "\u2028\u2029", "a/b?c=d#e"};
        List<AuditEvent> written = new ArrayList<>();
        try (AuditLog log = AuditLog.open(file)) {
            for (int i = 0; i < 200; i++) {
                String t = texts[i % texts.length] + i;
                written.add(log.append(AuditEvent.builder().event(i % 3 == 0 ? "deny" : "inject").agent(i % 5 == 0 ? null : t)
                        .credential(t).destination("jdbc:h2:mem:" + t).method(i % 2 == 0 ? null : "GET")
                        .rule("rules.yaml:" + i + ":1").reason(texts[(i + 3) % texts.length]).build()));
            }
        }
        List<String> lines = lines(file);
        assertEquals(written.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(AuditCodec.json(written.get(i), true), lines.get(i));
            AuditEvent parsed = AuditCodec.parse(lines.get(i));
            assertEquals(AuditCodec.hash(parsed), parsed.hash());
            assertEquals(texts[(i + 3) % texts.length], parsed.reason());
        }
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertTrue(r.ok(), r::message);
        assertEquals(200, r.records());
    }

    /** The timestamp, formatted a second at a time, reads as the full formatter would write it. */
    @Test void timestampsMatchTheFullFormat() throws Exception {
        java.time.format.DateTimeFormatter full =
                java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(Instant.parse("1999-12-31T23:59:59.990Z").toEpochMilli());
        Clock clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public long millis() { return now.get(); }
            @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        java.util.Random random = new java.util.Random(7);
        try (AuditLog log = AuditLog.open(dir.resolve("audit.jsonl"), new AuditLog.Options().clock(clock))) {
            for (int i = 0; i < 500; i++) {
                AuditEvent e = log.append(inject("a", "openai"));
                assertEquals(full.format(Instant.ofEpochMilli(now.get())), e.ts());
                now.addAndGet(i % 50 == 0 ? random.nextInt(100_000_000) : random.nextInt(7));
            }
        }
        assertTrue(AuditVerifier.verify(dir.resolve("audit.jsonl")).ok());
    }

    /** Deferred forces run beside the appends: the checkpoint only moves forward and ends at the last record. */
    @Test void deferredSyncsBesideConcurrentAppendsKeepTheChainAndTheCheckpointInStep() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Path checkpoint = dir.resolve("audit.jsonl.checkpoint");
        int threads = 4, each = 300;
        List<Long> seen = new ArrayList<>();
        try (AuditLog log = AuditLog.open(file, new AuditLog.Options().syncWithin(Duration.ofMillis(1)))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) log.append(inject("a", "openai"));
                    return null;
                }));
            }
            while (!done.stream().allMatch(Future::isDone)) {
                String text = Files.readString(checkpoint);
                seen.add(Long.parseLong(text.substring(text.indexOf(':') + 1, text.indexOf(','))));
                Thread.sleep(2);
            }
            for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
            pool.shutdown();
        }
        for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i) >= seen.get(i - 1), "checkpoint went back: " + seen);
        assertTrue(Files.readString(checkpoint).startsWith("{\"seq\":" + threads * each + ","));
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertTrue(r.ok(), r::message);
        assertEquals(threads * each, r.records());
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("audit.jsonl", "audit.jsonl.checkpoint"), files.map(p -> p.getFileName().toString()).sorted()
                    .collect(java.util.stream.Collectors.toList()), "no temporary file left");
        }
    }

    @Test void builderRejectsUnknownEvents() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuditEvent.builder().event("hack").build());
        assertTrue(e.getMessage().contains("unknown audit event 'hack'"));
        assertThrows(NullPointerException.class, () -> AuditEvent.builder().agent("a").build());
    }

    private static Path writeBytes(Path file, byte[] bytes) throws IOException { return Files.write(file, bytes); }

    private static Path writeLines(Path file, List<String> lines) throws IOException {
        return Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
