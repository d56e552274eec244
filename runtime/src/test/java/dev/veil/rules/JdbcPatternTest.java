package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcPatternTest {
    private static boolean matches(String pattern, String url) {
        return JdbcPattern.parse(pattern).matches(url);
    }

    @Test
    void missingPortIsTheDriversDefault() {
        assertTrue(matches("jdbc:postgresql://localhost/orders", "jdbc:postgresql://localhost:5432/orders"));
        assertTrue(matches("jdbc:postgresql://localhost:5432/orders", "jdbc:postgresql://localhost/orders"));
        assertFalse(matches("jdbc:postgresql://localhost/orders", "jdbc:postgresql://localhost:5433/orders"));
        assertTrue(matches("jdbc:mysql://db/shop", "jdbc:mysql://db:3306/shop"));
        assertTrue(matches("jdbc:mariadb://db/shop", "jdbc:mariadb://db:3306/shop"));
        assertTrue(matches("jdbc:sqlserver://db", "jdbc:sqlserver://db:1433"));
    }

    @Test
    void starPortMatchesAnyPortIncludingTheDefault() {
        String p = "jdbc:postgresql://localhost:*/orders";
        assertTrue(matches(p, "jdbc:postgresql://localhost:15432/orders"));
        assertTrue(matches(p, "jdbc:postgresql://localhost/orders"));
        assertFalse(matches(p, "jdbc:postgresql://otherhost:5432/orders"));
        assertFalse(matches(p, "jdbc:postgresql://localhost:5432/orders_archive"));
    }

    @Test
    void starNeverCrossesASlash() {
        assertTrue(matches("jdbc:postgresql://localhost/*", "jdbc:postgresql://localhost/orders"));
        assertFalse(matches("jdbc:postgresql://localhost/*", "jdbc:postgresql://localhost/orders/x"));
        assertTrue(matches("jdbc:postgresql://*.internal/orders", "jdbc:postgresql://db1.internal/orders"));
        assertFalse(matches("jdbc:postgresql://*.internal/orders", "jdbc:postgresql://evil.example/x.internal/orders"));
    }

    @Test
    void propertiesAreStrippedOnBothSides() {
        String p = "jdbc:postgresql://localhost/orders?ssl=true";
        assertTrue(matches(p, "jdbc:postgresql://localhost/orders"));
        assertTrue(matches(p, "jdbc:postgresql://localhost/orders?user=agent_ro&password=veil:orders-db"));
        assertTrue(matches("jdbc:sqlserver://db;databaseName=x", "jdbc:sqlserver://db:1433;databaseName=y"));
        assertTrue(matches("jdbc:h2:mem:test", "jdbc:h2:mem:test;DB_CLOSE_DELAY=-1"));
    }

    @Test
    void everyHostOfAMultiHostUrlMustMatch() {
        String p = "jdbc:postgresql://db*.internal:5432/orders";
        assertTrue(matches(p, "jdbc:postgresql://db1.internal,db2.internal/orders"));
        assertFalse(matches(p, "jdbc:postgresql://db1.internal,evil.example/orders"));
        assertFalse(matches(p, "jdbc:postgresql://evil.example,db1.internal/orders"));
    }

    @Test
    void aPatternMayListSeveralHosts() {
        String p = "jdbc:postgresql://db1:5432,db2:5433/orders";
        assertTrue(matches(p, "jdbc:postgresql://db1,db2:5433/orders"));
        assertTrue(matches(p, "jdbc:postgresql://db2:5433/orders"));
        assertTrue(matches(p, "jdbc:postgresql://db1/orders"));
        assertFalse(matches(p, "jdbc:postgresql://db1,db3/orders"));
        assertFalse(matches(p, "jdbc:postgresql://db2/orders"), "db2 only on 5433");
    }

    @Test
    void h2InMemoryAndFileUrls() {
        assertTrue(matches("jdbc:h2:mem:*", "jdbc:h2:mem:scratch"));
        assertTrue(matches("jdbc:h2:mem:*", "jdbc:h2:mem:"));
        assertFalse(matches("jdbc:h2:mem:*", "jdbc:h2:file:/tmp/db"));
        assertFalse(matches("jdbc:h2:mem:*", "jdbc:h2:tcp://evil.example/mem:x"));
        assertTrue(matches("jdbc:h2:file:/data/**", "jdbc:h2:file:/data/a/b"));
    }

    @Test
    void driverNameIsCaseInsensitiveButTheDatabaseIsNot() {
        assertTrue(matches("jdbc:PostgreSQL://LocalHost/orders", "JDBC:postgresql://localhost/orders"));
        assertFalse(matches("jdbc:postgresql://localhost/orders", "jdbc:postgresql://localhost/ORDERS"));
    }

    @Test
    void otherDriversAndMalformedUrlsNeverMatch() {
        assertFalse(matches("jdbc:postgresql://localhost/orders", "jdbc:mysql://localhost/orders"));
        assertFalse(matches("jdbc:postgresql://localhost/orders", null));
        assertFalse(matches("jdbc:postgresql://localhost/orders", "postgresql://localhost/orders"));
        assertFalse(matches("jdbc:postgresql://localhost/orders", "jdbc:"));
        assertFalse(matches("jdbc:postgresql://localhost/orders", "jdbc:postgresql"));
        assertFalse(matches("jdbc:postgresql://localhost/orders", "jdbc::x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql://localhost/orders", "jdbc:", "jdbc:x", "jdbc::x", "  ", "jdbc:postgresql://a,,b/db", "jdbc:postgresql://,b/db"})
    void rejectsBadPatterns(String bad) {
        assertThrows(IllegalArgumentException.class, () -> JdbcPattern.parse(bad));
    }
}
