package dev.veil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.AuditVerifier.Failure;
import dev.veil.audit.AuditVerifier.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {
    @TempDir Path dir;
    Path file;
    List<String> lines;

    @BeforeEach void fiveRecords() throws Exception {
        file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file)) {
            for (int i = 1; i <= 5; i++) {
                log.append(AuditEvent.builder().event(i % 2 == 0 ? "deny" : "inject").agent("a").credential("c" + i)
                        .destination("https://api.example.com/" + i).method("GET").rule("rules.yaml:" + i + ":9").reason("r").build());
            }
        }
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    void write(List<String> ls) throws Exception {
        Files.write(file, (String.join("\n", ls) + (ls.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
    }

    void assertFailure(Failure failure, long line, String detailPart) throws Exception {
        Result r = AuditVerifier.verify(file);
        assertFalse(r.ok(), "expected " + failure);
        assertEquals(failure, r.failure(), r::message);
        assertEquals(line, r.line(), r::message);
        assertTrue(r.detail().contains(detailPart), r::message);
        assertTrue(r.message().startsWith(file + ":" + line + ": " + failure.label() + ": "), r::message);
    }

    @Test void intactLogVerifies() throws Exception {
        Result r = AuditVerifier.verify(file);
        assertTrue(r.ok(), r::message);
        assertEquals(5, r.records());
    }

    @Test void editedRecord() throws Exception {
        lines.set(2, lines.get(2).replace("\"credential\":\"c3\"", "\"credential\":\"cX\""));
        write(lines);
        assertFailure(Failure.EDITED, 3, "does not match its hash");
    }

    @Test void editedHashIsCaughtToo() throws Exception {
        String line = lines.get(1);
        int at = line.indexOf("\"hash\":\"") + 8;
        char c = line.charAt(at);
        lines.set(1, line.substring(0, at) + (c == 'a' ? 'b' : 'a') + line.substring(at + 1));
        write(lines);
        assertFailure(Failure.EDITED, 2, "does not match its hash");
    }

    @Test void deletedRecord() throws Exception {
        lines.remove(2);
        write(lines);
        assertFailure(Failure.DELETED, 3, "seq jumps from 2 to 4");
    }

    @Test void deletedFirstRecord() throws Exception {
        lines.remove(0);
        write(lines);
        assertFailure(Failure.DELETED, 1, "seq jumps from 0 to 2");
    }

    @Test void reorderedRecords() throws Exception {
        Collections.swap(lines, 1, 2);
        write(lines);
        assertFailure(Failure.REORDERED, 2, "seq 3 where 2 was expected");
    }

    @Test void duplicatedRecord() throws Exception {
        lines.add(3, lines.get(1));
        write(lines);
        assertFailure(Failure.REORDERED, 4, "seq 2 after seq 3");
    }

    @Test void cutLastLine() throws Exception {
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 10));
        assertFailure(Failure.TRUNCATED, 5, "cut mid-record");
    }

    @Test void wholeLastRecordsRemovedAreCaughtByTheCheckpoint() throws Exception {
        write(new ArrayList<>(lines.subList(0, 3)));
        assertFailure(Failure.TRUNCATED, 4, "ends at seq 3 but its checkpoint is at seq 5: 2 final record(s) removed");
    }

    @Test void emptiedLogIsCaughtByTheCheckpoint() throws Exception {
        write(List.of());
        assertFailure(Failure.TRUNCATED, 1, "ends at seq 0");
    }

    @Test void missingCheckpoint() throws Exception {
        Files.delete(dir.resolve("audit.jsonl.checkpoint"));
        assertFailure(Failure.CHECKPOINT, 6, "missing");
    }

    @Test void unreadableCheckpoint() throws Exception {
        Files.writeString(dir.resolve("audit.jsonl.checkpoint"), "garbage");
        Result r = AuditVerifier.verify(file);
        assertEquals(Failure.CHECKPOINT, r.failure());
    }

    @Test void rewrittenChainIsCaughtByTheCheckpointHash() throws Exception {
        // Rebuild the whole chain with altered content: every hash is self-consistent, the checkpoint is not.
        Path forged = dir.resolve("forged/audit.jsonl");
        try (AuditLog log = AuditLog.open(forged)) {
            for (int i = 1; i <= 5; i++) log.append(AuditEvent.builder().event("inject").agent("a").credential("forged").build());
        }
        Files.copy(forged, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertFailure(Failure.EDITED, 5, "differs from the checkpoint");
    }

    @Test void replacedRecordWithAValidHashBreaksTheNextLink() throws Exception {
        // A forged record 3 whose own hash is right (built by a real log) but which the chain did not produce.
        Path other = dir.resolve("other/audit.jsonl");
        try (AuditLog log = AuditLog.open(other)) {
            for (int i = 1; i <= 3; i++) log.append(AuditEvent.builder().event("inject").agent("a").credential("other").build());
        }
        lines.set(2, Files.readAllLines(other).get(2));
        write(lines);
        // seq 3 matches, but its prev is not the hash of record 2.
        assertFailure(Failure.EDITED, 2, "replaced");
    }

    @Test void notJson() throws Exception {
        lines.set(1, "{not json");
        write(lines);
        assertFailure(Failure.NOT_JSON, 2, "not JSON");
    }

    @Test void malformedRecords() throws Exception {
        List<String> original = new ArrayList<>(lines);
        lines.set(0, original.get(0).replace("\"reason\":\"r\",", ""));
        write(lines);
        assertFailure(Failure.BAD_RECORD, 1, "missing field 'reason'");

        lines.set(0, original.get(0).replace("{", "{\"extra\":1,"));
        write(lines);
        assertFailure(Failure.BAD_RECORD, 1, "unexpected field 'extra'");

        lines.set(0, original.get(0).replace("\"seq\":1", "\"seq\":\"1\""));
        write(lines);
        assertFailure(Failure.BAD_RECORD, 1, "'seq' must be a positive integer");

        lines.set(0, original.get(0).replace("{", "{\"seq\":1,"));
        write(lines);
        assertFailure(Failure.NOT_JSON, 1, "duplicate field");

        lines.set(0, "");
        write(lines);
        assertFailure(Failure.NOT_JSON, 1, "not");
    }
}
