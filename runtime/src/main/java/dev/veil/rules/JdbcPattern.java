package dev.veil.rules;

import java.util.Locale;

/**
 * A JDBC URL pattern such as {@code jdbc:postgresql://localhost:*}{@code /orders} or {@code jdbc:h2:mem:*}.
 * Connection properties ({@code ?...}, {@code ;...}) are ignored on both sides. For {@code //host:port/db}
 * URLs every host of a multi-host URL must match, a missing port means the driver's default,
 * and {@code *} never crosses {@code /}.
 */
public final class JdbcPattern {
    private final String text;
    private final String base;

    private JdbcPattern(String text, String base) {
        this.text = text;
        this.base = base;
    }

    public static JdbcPattern parse(String text) {
        String t = text.trim();
        if (!t.regionMatches(true, 0, "jdbc:", 0, 5) || t.length() < 7 || t.indexOf(':', 5) < 0) {
            throw new IllegalArgumentException("bad jdbc pattern '" + text + "': expected jdbc:<driver>:... such as jdbc:postgresql://localhost:*/orders");
        }
        if (t.indexOf(':', 5) == 5) {
            throw new IllegalArgumentException("bad jdbc pattern '" + text + "': the driver name after 'jdbc:' is missing");
        }
        return new JdbcPattern(text, normalize(stripProperties(t), true));
    }

    public boolean matches(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.regionMatches(true, 0, "jdbc:", 0, 5)) return false;
        String url = stripProperties(jdbcUrl.trim());
        int hosts = url.indexOf("//");
        int slash = hosts < 0 ? -1 : url.indexOf('/', hosts + 2);
        if (hosts >= 0 && url.substring(hosts + 2, slash < 0 ? url.length() : slash).indexOf(',') >= 0) {
            String prefix = url.substring(0, hosts + 2);
            String rest = slash < 0 ? "" : url.substring(slash);
            for (String host : url.substring(hosts + 2, slash < 0 ? url.length() : slash).split(",")) {
                if (!Glob.matches(base, normalize(prefix + host + rest, false), '/')) return false;
            }
            return true;
        }
        return Glob.matches(base, normalize(url, false), '/');
    }

    private static String stripProperties(String url) {
        int cut = url.length();
        int q = url.indexOf('?');
        int semi = url.indexOf(';');
        if (q >= 0) cut = Math.min(cut, q);
        if (semi >= 0) cut = Math.min(cut, semi);
        return url.substring(0, cut);
    }

    /** Lower-cases the driver name and fills in the driver's default port so both sides compare alike. */
    private static String normalize(String url, boolean pattern) {
        int colon = url.indexOf(':', 5);
        String driver = url.substring(5, colon).toLowerCase(Locale.ROOT);
        String rest = url.substring(colon + 1);
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            String authority = rest.substring(2, slash < 0 ? rest.length() : slash).toLowerCase(Locale.ROOT);
            String path = slash < 0 ? "/" : rest.substring(slash);
            if (path.isEmpty()) path = "/";
            int defaultPort = defaultPort(driver);
            boolean hasPort = authority.lastIndexOf(':') > authority.lastIndexOf(']');
            if (!hasPort && defaultPort > 0 && !(pattern && authority.endsWith("*"))) authority = authority + ":" + defaultPort;
            rest = "//" + authority + path;
        }
        return "jdbc:" + driver + ":" + rest;
    }

    private static int defaultPort(String driver) {
        switch (driver) {
            case "postgresql": return 5432;
            case "mysql": case "mariadb": return 3306;
            case "sqlserver": return 1433;
            case "oracle": return 1521;
            default: return -1;
        }
    }

    @Override public String toString() { return text; }
}
