package dev.veil.agent.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.veil.agent.instrumentation.InstrumentationModule;
import dev.veil.agent.instrumentation.scrubbing.PlaceholdersInReturnedText;
import java.util.Properties;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * JDBC: placeholders swapped where a connection is opened, writes refused on read-only connections.
 * <ul>
 * <li>{@code Driver#connect(String, Properties)} of every driver: DriverManager, HikariCP's {@code jdbcUrl},
 *     pgjdbc's and MySQL's DataSources (MysqlDataSource through its NonRegisteringDriver instance) all end there.
 * <li>The DataSources that open connections without it: H2 2.x's {@code JdbcConnection} constructor (its
 *     JdbcDataSource and its Driver both end there; the handles of its XA pool, copies made by another
 *     constructor, are checked as the connection they copy), SQLite's {@code JDBC.createConnection} and MariaDB
 *     Connector/J 3.x's static {@code connect(Configuration)} (MariaDbDataSource, MariaDbPoolDataSource; its Driver
 *     ends there too, with the login already swapped).
 * <li>A connect the database refuses for authentication is repeated with the credential fetched again (rotation):
 *     by the connect hooks themselves, and for H2's JdbcDataSource (whose hook is a constructor) by its
 *     {@code getConnection*}/{@code getXAConnection*}.
 * <li>Every {@code Connection} and {@code Statement} implementation: SQL given to prepare, prepareCall,
 *     nativeSQL, execute*, executeLargeUpdate and addBatch is checked on read-only connections, and such a
 *     connection cannot be set writable again. A connection closed is forgotten at once.
 * <li>Every {@code DatabaseMetaData}: the URL and user a connection reports are read back with placeholders.
 * </ul>
 * Nothing in the JDK is instrumented (DriverManager only calls drivers), so no JDK package needs opening.
 */
public final class JdbcModule implements InstrumentationModule {
    private static final String[] CONNECTION_SQL = {"prepareStatement", "prepareCall", "nativeSQL", "setReadOnly"};
    private static final String[] STATEMENT_SQL = {"execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch"};

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(declaring("connect").and(implementing("java.sql.Driver")))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(DriverConnectAdvice.class, RepeatRefusedConnect.class)
                        .on(named("connect").and(not(isStatic())).and(not(isBridge())).and(takesArguments(String.class, Properties.class)))))
                .type(named("org.h2.jdbc.JdbcConnection"))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(H2ConnectionAdvice.class)
                                .on(isConstructor().and(takesArguments(String.class, Properties.class, String.class, Object.class, boolean.class))))
                        .visit(Advice.to(H2ConnectionCopyAdvice.class)
                                .on(isConstructor().and(takesArguments(1)).and(takesArgument(0, named("org.h2.jdbc.JdbcConnection"))))))
                .type(named("org.h2.jdbcx.JdbcDataSource"))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(H2DataSourceRetryAdvice.class)
                        .on(namedOneOf("getConnection", "getXAConnection").and(not(isStatic())))))
                .type(namedOneOf("org.mariadb.jdbc.Driver", "org.mariadb.jdbc.NonRegisteringDriver"))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(MariaDbConnectAdvice.class)
                        .on(named("connect").and(isStatic()).and(takesArguments(1))
                                .and(takesArgument(0, named("org.mariadb.jdbc.Configuration"))))))
                .type(named("org.sqlite.JDBC"))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(SqliteConnectAdvice.class, RepeatRefusedConnect.class)
                        .on(named("createConnection").and(isStatic()).and(takesArguments(String.class, Properties.class)))))
                .type(declaring(CONNECTION_SQL).and(implementing("java.sql.Connection")))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(SqlAdvice.class).on(namedOneOf("prepareStatement", "prepareCall", "nativeSQL")
                                .and(not(isStatic())).and(takesArgument(0, String.class))))
                        .visit(Advice.to(SetReadOnlyAdvice.class).on(named("setReadOnly").and(takesArguments(boolean.class))
                                .and(returns(void.class))))
                        .visit(Advice.to(ConnectionCloseAdvice.class).on(named("close").and(takesArguments(0))
                                .and(not(isStatic())))))
                .type(declaring("getURL", "getUserName").and(implementing("java.sql.DatabaseMetaData")))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(PlaceholdersInReturnedText.class)
                        .on(namedOneOf("getURL", "getUserName").and(takesArguments(0)).and(returns(String.class)))))
                // SQLite's execute(String) lives in an abstract base that does not itself declare Statement.
                .type(declaring(STATEMENT_SQL)
                        .and(implementing("java.sql.Statement").or(named("org.sqlite.jdbc3.JDBC3Statement"))))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(SqlAdvice.class)
                        .on(namedOneOf(STATEMENT_SQL)
                                .and(not(isStatic())).and(takesArgument(0, String.class)))));
    }

    /** A cheap test on the class itself first, so the costly hierarchy walk runs for few classes. */
    private static ElementMatcher.Junction<TypeDescription> declaring(String... methods) {
        return not(isInterface()).and(declaresMethod(namedOneOf(methods)));
    }

    private static ElementMatcher.Junction<TypeDescription> implementing(String type) {
        return not(isInterface()).and(hasSuperType(named(type)));
    }
}
