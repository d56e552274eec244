package dev.veil.agent.instrumentation.jdbc;

import dev.veil.agent.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/** SQL given to a Connection (prepare*, nativeSQL) or a Statement (execute*, addBatch): refused if a write on a read-only connection. */
public final class SqlAdvice {
    private SqlAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object connectionOrStatement, @Advice.Argument(0) String sql) throws Exception {
        Bridge.jdbcSql(connectionOrStatement, sql);
    }
}
