package dev.veil.audit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Checks an audit log end to end: every line a well-formed record whose hash matches its content,
 * seq 1, 2, 3... without gaps, each prev the hash of the line before, and the checkpoint not ahead of
 * the last record. Reports the first bad line and why.
 */
public final class AuditVerifier {
    /** What is wrong with a log. */
    public enum Failure {
        NOT_JSON("not JSON"),
        BAD_RECORD("malformed record"),
        EDITED("edited record"),
        DELETED("deleted record"),
        REORDERED("reordered record"),
        TRUNCATED("truncated log"),
        CHECKPOINT("checkpoint problem");

        private final String label;

        Failure(String label) { this.label = label; }

        public String label() { return label; }
    }

    /** The outcome: ok, or the first bad line (1-based; the line after the last record for truncation). */
    public static final class Result {
        private final Path file;
        private final long records;
        private final Failure failure;
        private final long line;
        private final String detail;

        private Result(Path file, long records, Failure failure, long line, String detail) {
            this.file = file;
            this.records = records;
            this.failure = failure;
            this.line = line;
            this.detail = detail;
        }

        public boolean ok() { return failure == null; }
        /** Records verified (before the first problem). */
        public long records() { return records; }
        public Failure failure() { return failure; }
        public long line() { return line; }
        public String detail() { return detail; }

        /** {@code audit.jsonl: ok, 12 records} or {@code audit.jsonl:5: edited record: ...}. */
        public String message() {
            return ok() ? file + ": ok, " + records + " record" + (records == 1 ? "" : "s")
                    : file + ":" + line + ": " + failure.label() + ": " + detail;
        }

        @Override public String toString() { return message(); }
    }

    private AuditVerifier() {}

    public static Result verify(Path file) throws IOException {
        Checkpoint cp;
        try {
            cp = Checkpoint.read(file);
        } catch (IOException e) {
            return new Result(file, 0, Failure.CHECKPOINT, 0, e.getMessage());
        }
        long expectedSeq = 1;
        String expectedPrev = AuditCodec.GENESIS;
        try (LineReader r = new LineReader(file)) {
            for (String line = r.next(); line != null; line = r.next()) {
                long n = r.number();
                long records = expectedSeq - 1;
                if (!r.terminated()) {
                    return new Result(file, records, Failure.TRUNCATED, n, "the last line is incomplete: the file was cut mid-record");
                }
                AuditEvent e;
                try {
                    e = AuditCodec.parse(line);
                } catch (AuditCodec.BadRecord bad) {
                    return new Result(file, records, bad.notJson ? Failure.NOT_JSON : Failure.BAD_RECORD, n, bad.getMessage());
                }
                if (!AuditCodec.hash(e).equals(e.hash())) {
                    return new Result(file, records, Failure.EDITED, n, "the content does not match its hash");
                }
                if (e.seq() > expectedSeq) {
                    return appearsLater(r, expectedSeq)
                            ? new Result(file, records, Failure.REORDERED, n, "seq " + e.seq() + " where " + expectedSeq + " was expected; seq " + expectedSeq + " comes later")
                            : new Result(file, records, Failure.DELETED, n, "seq jumps from " + records + " to " + e.seq() + ": " + (e.seq() - expectedSeq) + " record(s) missing");
                }
                if (e.seq() < expectedSeq) {
                    return new Result(file, records, Failure.REORDERED, n, "seq " + e.seq() + " after seq " + records + " (moved or duplicated)");
                }
                if (!e.prev().equals(expectedPrev)) {
                    return n == 1
                            ? new Result(file, 0, Failure.EDITED, 1, "the first record's prev is not the genesis value")
                            : new Result(file, records - 1, Failure.EDITED, n - 1, "replaced: its hash is not the prev of the next record");
                }
                if (cp != null && e.seq() == cp.seq && !e.hash().equals(cp.hash)) {
                    return new Result(file, records, Failure.EDITED, n, "the hash differs from the checkpoint's: the log was rewritten");
                }
                expectedSeq++;
                expectedPrev = e.hash();
            }
        }
        long records = expectedSeq - 1;
        if (cp == null && records > 0) {
            return new Result(file, records, Failure.CHECKPOINT, records + 1,
                    "checkpoint " + Checkpoint.of(file).getFileName() + " is missing: truncation cannot be ruled out");
        }
        if (cp != null && cp.seq > records) {
            return new Result(file, records, Failure.TRUNCATED, records + 1, "the log ends at seq " + records
                    + " but its checkpoint is at seq " + cp.seq + ": " + (cp.seq - records) + " final record(s) removed");
        }
        return new Result(file, records, null, 0, null);
    }

    private static boolean appearsLater(LineReader r, long seq) throws IOException {
        for (String line = r.next(); line != null; line = r.next()) {
            try {
                if (AuditCodec.parse(line).seq() == seq) return true;
            } catch (AuditCodec.BadRecord ignored) {
                // a later bad line does not tell us anything about the earlier gap
            }
        }
        return false;
    }
}
