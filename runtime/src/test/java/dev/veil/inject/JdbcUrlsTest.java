package dev.veil.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
    @Test
    void userInfoIsRemovedForMatching() {
        assertEquals("jdbc:mysql://db:3306/orders", JdbcUrls.withoutUserInfo("jdbc:mysql://bob:veil:db@db:3306/orders"));
        assertEquals("jdbc:postgresql://h/db?password=x@y", JdbcUrls.withoutUserInfo("jdbc:postgresql://h/db?password=x@y"));
        String plain = "jdbc:h2:mem:x";
        assertSame(plain, JdbcUrls.withoutUserInfo(plain));
    }

    @Test
    void loginUserFromParametersOrUserInfo() {
        assertEquals("bob", JdbcUrls.user("jdbc:postgresql://h/db?ssl=true&user=bob&password=veil:pg"));
        assertEquals("bob", JdbcUrls.user("jdbc:postgresql://h/db?user=bob"));
        assertEquals("SA", JdbcUrls.user("jdbc:h2:mem:x;USER=SA;PASSWORD=veil:h2"));
        assertEquals("bob", JdbcUrls.user("jdbc:mysql://bob:veil:db@db/orders"));
        assertNull(JdbcUrls.user("jdbc:postgresql://h/db"));
        assertNull(JdbcUrls.user(null));
    }

    @Test
    void everyHostOfAMultiHostUrlLosesItsOwnUserInfo() {
        // MySQL: user-info per host, ending at that host's first '@'; every host it connects to must stay visible.
        assertEquals("jdbc:mysql://evil.example:3306,db:3306/orders",
                JdbcUrls.withoutUserInfo("jdbc:mysql://bob:veil:db@evil.example:3306,bob:veil:db@db:3306/orders"));
        assertEquals("jdbc:mysql://evil.example,db/orders?user=bob",
                JdbcUrls.withoutUserInfo("jdbc:mysql://evil.example,bob:veil:db@db/orders?user=bob"));
        assertEquals("jdbc:mysql://evil@db/orders", JdbcUrls.withoutUserInfo("jdbc:mysql://bob:veil:db@evil@db/orders"));
        assertEquals("jdbc:mariadb://db/orders?user=bob&password=veil:db",
                JdbcUrls.withoutUserInfo("jdbc:mariadb://db/orders?user=bob&password=veil:db"));
    }

    @Test
    void userInfoUserWinsAndHostsMustAgree() {
        assertEquals("bob", JdbcUrls.user("jdbc:mysql://bob:veil:db@db/orders?user=alice"));
        assertEquals("bob", JdbcUrls.user("jdbc:mysql://bob:veil:db@h1,bob@h2,h3/orders"));
        assertNull(JdbcUrls.user("jdbc:mysql://bob:veil:db@h1,root:veil:db@h2/orders?user=bob"));
        assertEquals("bob", JdbcUrls.user("jdbc:mariadb://h1,h2/orders?password=veil:db&user=bob"));
    }

    @Test
    void copyFlattensDefaultsAndLeavesTheOriginal() {
        Properties defaults = new Properties();
        defaults.setProperty("user", "bob");
        Properties p = new Properties(defaults);
        p.setProperty("password", "veil:pg");
        Properties copy = JdbcUrls.copy(p);
        copy.setProperty("password", "changed");
        assertEquals("bob", copy.getProperty("user"));
        assertEquals("veil:pg", p.getProperty("password"));
    }
}
