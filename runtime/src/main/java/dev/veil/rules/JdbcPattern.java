package dev.veil.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A JDBC URL pattern such as {@code jdbc:postgresql://localhost:*}{@code /orders} or {@code jdbc:h2:mem:*}.
 * Connection properties ({@code ?...}, {@code ;...}) are ignored on both sides. For {@code //host:port/db}
 * URLs every host of a multi-host URL must match one of the pattern's hosts (a pattern may list
 * several), a missing port means the driver's default, and {@code *} never crosses {@code /}.
 */
public final class JdbcPattern {
    private final String text;
    /** One normalized single-host pattern per host the pattern lists. */
    private final List<String> bases;

    private JdbcPattern(String text, List<String> bases) {
        this.text = text;
        this.bases = bases;
    }

    public static JdbcPattern parse(String text) {
        String t = text.trim();
        if (!t.regionMatches(true, 0, "jdbc:", 0, 5) || t.length() < 7 || t.indexOf(':', 5) < 0) {
            throw new IllegalArgumentException("bad jdbc pattern '" + text + "': expected jdbc:<driver>:... such as jdbc:postgresql://localhost:*/orders");
        }
        if (t.indexOf(':', 5) == 5) {
            throw new IllegalArgumentException("bad jdbc pattern '" + text + "': the driver name after 'jdbc:' is missing");
        }
        List<String> singles = perHost(stripProperties(t));
        List<String> bases = new ArrayList<>();
        for (String single : singles) {
            int host = single.indexOf("//") + 2;
            if (singles.size() > 1 && (host == single.length() || single.charAt(host) == '/' || single.charAt(host) == ':')) {
                throw new IllegalArgumentException("bad jdbc pattern '" + text + "': a host in the host list is empty");
            }
            bases.add(normalize(single, true));
        }
        return new JdbcPattern(text, List.copyOf(bases));
    }

    /** Every host of {@code jdbcUrl} must match one of the pattern's hosts; the rest must match too. */
    public boolean matches(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.regionMatches(true, 0, "jdbc:", 0, 5) || jdbcUrl.indexOf(':', 5) <= 5) return false;
        for (String single : perHost(stripProperties(jdbcUrl.trim()))) {
            String url = normalize(single, false);
            boolean any = false;
            for (String base : bases) {
                if (Glob.matches(base, url, '/')) {
                    any = true;
                    break;
                }
            }
            if (!any) return false;
        }
        return true;
    }

    /** {@code jdbc:x://h1,h2:p/db} becomes {@code jdbc:x://h1/db} and {@code jdbc:x://h2:p/db}. */
    private static List<String> perHost(String url) {
        int hosts = url.indexOf("//");
        if (hosts < 0) return List.of(url);
        int slash = url.indexOf('/', hosts + 2);
        String authority = url.substring(hosts + 2, slash < 0 ? url.length() : slash);
        if (authority.indexOf(',') < 0) return List.of(url);
        String prefix = url.substring(0, hosts + 2);
        String rest = slash < 0 ? "" : url.substring(slash);
        List<String> out = new ArrayList<>();
        for (String host : authority.split(",", -1)) out.add(prefix + host + rest);
        return out;
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
