package dev.veil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlClassifierTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "select * from orders where id = 3",
            "  \n\tSELECT 1",
            "(SELECT 1) UNION (SELECT 2)",
            "((select a from t))",
            "SELECT 1;",
            "SELECT 1; SELECT 2",
            ";;SELECT 1;;",
            "",
            "   ",
            "-- just a comment",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r",
            "VALUES (1), (2)",
            "TABLE orders",
            "SHOW search_path",
            "EXPLAIN SELECT * FROM t",
            "EXPLAIN ANALYZE SELECT * FROM t",
            "DESCRIBE t",
            "COMMIT",
            "ROLLBACK",
            "SELECT 'DELETE FROM t' AS s",
            "SELECT 'it''s; DROP TABLE t' FROM t",
            "SELECT \"update\", \"insert\" FROM t",
            "SELECT 1 /* DELETE FROM t */",
            "SELECT 1 -- ; DELETE FROM t",
            "SELECT 1 --\tDELETE FROM t",
            "SELECT count(*), max(price), lower(name) FROM orders GROUP BY name HAVING count(*) > 1",
            "SELECT * FROM t WHERE name LIKE 'a%' ORDER BY 1 LIMIT 10 OFFSET 5",
            "SELECT * FROM orders WHERE id = ?",
            "SELECT * FROM t WHERE a = $1",
            "SELECT updated_at, inserted_by, created FROM t",
            "SELECT t.id FROM public.t",
            "select\nid\nfrom\nt",
            "SELECT 1 FROM dual",
            "SELECT x FROM t FOR READ ONLY",
            "SELECT N'abc', X'0A', B'01'",
    })
    void reads(String sql) {
        assertEquals(null, SqlClassifier.writeReason(sql), sql);
        assertTrue(SqlClassifier.remembered(sql), sql);
        assertEquals(null, SqlClassifier.writeReason(sql), "remembered: " + sql);
        assertEquals(null, SqlClassifier.writeReason(new String(sql)), "an equal text: " + sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO t VALUES (1)",
            "insert into t values (1)",
            "  \n InSeRt INTO t VALUES (1)",
            "UPDATE t SET a = 1",
            "DELETE FROM t",
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
            "UPSERT INTO t VALUES (1)",
            "REPLACE INTO t VALUES (1)",
            "TRUNCATE t",
            "TRUNCATE TABLE t",
            "DROP TABLE t",
            "CREATE TABLE x (a int)",
            "CREATE TEMP TABLE x AS SELECT 1",
            "ALTER TABLE t ADD COLUMN b int",
            "GRANT ALL ON t TO public",
            "REVOKE SELECT ON t FROM bob",
            "SET ROLE admin",
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
            "SET TRANSACTION READ WRITE",
            "RESET ROLE",
            "COPY t FROM '/tmp/x'",
            "COPY (SELECT 1) TO '/tmp/x'",
            "CALL do_things()",
            "EXEC sp_do",
            "EXECUTE stmt",
            "DO $$ BEGIN DELETE FROM t; END $$",
            "LOCK TABLE t",
            "VACUUM t",
            "REFRESH MATERIALIZED VIEW v",
            "COMMENT ON TABLE t IS 'x'",
            "BEGIN",
            "BEGIN READ WRITE",
            "START TRANSACTION READ WRITE",
            "PREPARE p AS DELETE FROM t",
            "PRAGMA user_version = 5",
            "ATTACH DATABASE 'x.db' AS x",
            "ANALYZE t",
            "CHECKPOINT",
            "SHUTDOWN",
            "RUNSCRIPT FROM 'x.sql'",
            "WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x",
            "WITH x AS (UPDATE t SET a = 1 RETURNING *) SELECT * FROM x",
            "WITH x AS (INSERT INTO t VALUES (1) RETURNING *) SELECT 1",
            "with x as (select 1) delete from t",
            "SELECT * INTO newtable FROM t",
            "SELECT a INTO OUTFILE '/tmp/x' FROM t",
            "SELECT * FROM t FOR UPDATE",
            "SELECT * FROM t FOR NO KEY UPDATE",
            "SELECT * FROM t FOR SHARE",
            "SELECT * FROM t FOR KEY SHARE",
            "SELECT * FROM t LOCK IN SHARE MODE",
            "SELECT 1; DELETE FROM t",
            "SELECT 1;DELETE FROM t",
            "SELECT 1 ; ; drop table t",
            "(DELETE FROM t)",
            "/* hi */ DELETE FROM t",
            "-- hi\nDELETE FROM t",
            "SELECT 1 /*! ; DELETE FROM t */",
            "SELECT 1 /*!50000 , (SELECT 1) */; DELETE FROM t",
            "SELECT 1 # ; DELETE FROM t",
            "SELECT 1 --1; DELETE FROM t",
            "SELECT 'a\\'; DELETE FROM t; -- '",
            "SELECT \"a\\\"; DELETE FROM t; -- \"",
            "SELECT $a$; DELETE FROM t; $a$",
            "SELECT 1 /* /* */ ; DELETE FROM t; -- */",
            "SELECT `a; DELETE FROM t; `",
            "SELECT [a; DELETE FROM t; ]",
            "SELECT nextval('s')",
            "SELECT setval('s', 10)",
            "SELECT public.nextval('s')",
            "SELECT set_config('default_transaction_read_only', 'off', false)",
            "SELECT pg_terminate_backend(42)",
            "SELECT lo_import('/etc/passwd')",
            "SELECT * FROM dblink_exec('delete from t')",
            "SELECT 'unterminated",
            "SELECT \"unterminated",
            "SELECT 1 /* unterminated",
            "SELECT $x$ unterminated",
            "FROBNICATE t",
            "42",
            "?",
            "{call proc(?)}",
            "{? = call f()}",
            "GRANT SELECT ON t TO PUBLIC; SELECT 1",
            "EXPLAIN ANALYZE DELETE FROM t",
            "EXPLAIN (ANALYZE) UPDATE t SET a = 1",
            "SHOW x; SET x = 1",
    })
    void writes(String sql) {
        String reason = SqlClassifier.writeReason(sql);
        assertNotNull(reason, sql);
        assertFalse(SqlClassifier.isReadOnly(sql), sql);
        assertFalse(SqlClassifier.remembered(sql), "a write is never remembered: " + sql);
        assertEquals(reason, SqlClassifier.writeReason(sql), "asked again: " + sql);
    }

    /** Reads in one dialect whose quoting another dialect does not share: rejected, as they could hide a write there. */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT `delete` FROM t",
            "SELECT $$DELETE FROM t$$",
            "SELECT $tag$ '; DROP TABLE t; $tag$",
            "SELECT E'a\\'; DELETE FROM t; '",
    })
    void dialectSpecificQuotingIsRejected(String sql) {
        assertNotNull(SqlClassifier.writeReason(sql), sql);
    }

    @Test
    void aWriteThatDiffersFromARememberedReadIsStillAWrite() {
        String read = "SELECT * FROM accounts WHERE id = ?";
        assertEquals(null, SqlClassifier.writeReason(read));
        assertTrue(SqlClassifier.remembered(read));
        // Same length and, where possible, same slot as the read: only the whole text can match.
        assertNotNull(SqlClassifier.writeReason("DELETE   FROM accounts WHERE id = ?"));
        assertNotNull(SqlClassifier.writeReason(read + "; DROP TABLE accounts"));
        assertNotNull(SqlClassifier.writeReason(read.replace("SELECT *", "UPDATE a")));
        assertEquals(null, SqlClassifier.writeReason(read));
    }

    /** Texts sharing a slot displace each other; each still gets its own answer, and writes never take a slot. */
    @Test
    void textsSharingASlotEachKeepTheirOwnAnswer() {
        String first = "SELECT 0 FROM t";
        int slot = SqlClassifier.SeenReads.slot(first);
        String otherRead = null;
        String write = null;
        for (int i = 1; otherRead == null || write == null; i++) {
            String r = "SELECT " + i + " FROM t";
            String w = "DELETE FROM t WHERE id = " + i;
            if (otherRead == null && SqlClassifier.SeenReads.slot(r) == slot) otherRead = r;
            if (write == null && SqlClassifier.SeenReads.slot(w) == slot) write = w;
        }
        assertEquals(null, SqlClassifier.writeReason(first));
        assertTrue(SqlClassifier.remembered(first));
        assertNotNull(SqlClassifier.writeReason(write));
        assertTrue(SqlClassifier.remembered(first), "a write leaves the slot alone");
        assertFalse(SqlClassifier.remembered(write));
        assertEquals(null, SqlClassifier.writeReason(otherRead));
        assertTrue(SqlClassifier.remembered(otherRead));
        assertFalse(SqlClassifier.remembered(first), "the newer read took the slot");
        assertEquals(null, SqlClassifier.writeReason(first));
        assertNotNull(SqlClassifier.writeReason(write));
    }

    @Test
    void longTextsAreClassifiedButNotKept() {
        String longRead = "SELECT 1 FROM t WHERE name IN ('" + "x".repeat(SqlClassifier.SeenReads.MAX_LENGTH) + "')";
        assertEquals(null, SqlClassifier.writeReason(longRead));
        assertFalse(SqlClassifier.remembered(longRead));
    }

    @Test
    void rememberingIsSafeAcrossThreads() throws Exception {
        String[] reads = new String[64];
        for (int i = 0; i < reads.length; i++) reads[i] = "SELECT name FROM items WHERE id = " + i;
        Thread[] threads = new Thread[4];
        java.util.concurrent.atomic.AtomicReference<String> wrong = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int n = 0; n < 2_000; n++) {
                    String read = reads[n % reads.length];
                    String write = "UPDATE items SET name = 'x' WHERE id = " + (n % reads.length);
                    if (SqlClassifier.writeReason(read) != null) wrong.set(read);
                    if (SqlClassifier.writeReason(write) == null) wrong.set(write);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        assertEquals(null, wrong.get());
    }

    @Test
    void reasonNeverQuotesTheText() {
        String reason = SqlClassifier.writeReason("SELECT 1; UPDATE t SET pw = 's3cret-value'");
        assertEquals("statement kind UPDATE is not a read", reason);
        assertEquals("FOR SHARE locks rows", SqlClassifier.writeReason("SELECT * FROM t FOR SHARE"));
        assertEquals("statement kind DELETE is not a read", SqlClassifier.writeReason("delete from t where pw = 'x'"));
        assertEquals("no SQL", SqlClassifier.writeReason(null));
    }
}
