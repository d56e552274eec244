package dev.veil.inject;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** The few facts Veil reads from a JDBC URL: the login user and the URL without user-info. */
final class JdbcUrls {
    private JdbcUrls() {}

    /**
     * {@code jdbc:x://user:pass@host/db} without {@code user:pass@}; other URLs as they are. MySQL takes user-info
     * per host of a multi-host URL ({@code //u:p@h1,u:p@h2/db}) and ends it at that host's first '@', so each
     * host loses its own: what remains is every host the driver will connect to.
     */
    static String withoutUserInfo(String url) {
        if (url == null) return null;
        int start = url.indexOf("//");
        if (start < 0) return url;
        start += 2;
        int end = authorityEnd(url, start);
        String authority = url.substring(start, end);
        if (authority.indexOf('@') < 0) return url;
        StringBuilder hosts = new StringBuilder();
        for (String host : authority.split(",", -1)) {
            if (hosts.length() > 0) hosts.append(',');
            hosts.append(host.substring(host.indexOf('@') + 1));
        }
        return url.substring(0, start) + hosts + url.substring(end);
    }

    /**
     * The user-info's user (MySQL prefers it to a {@code user} property; null when the hosts of a multi-host URL
     * name different users), else the {@code user=} parameter ({@code ?}/{@code &} or {@code ;} separated); null if none.
     */
    static String user(String url) {
        if (url == null) return null;
        int start = url.indexOf("//");
        if (start >= 0) {
            String user = null;
            for (String host : url.substring(start + 2, authorityEnd(url, start + 2)).split(",", -1)) {
                int at = host.indexOf('@');
                if (at < 0) continue;
                int colon = host.indexOf(':');
                String name = colon >= 0 && colon < at ? host.substring(0, colon) : host.substring(0, at);
                if (user != null && !user.equals(name)) return null;
                user = name;
            }
            if (user != null) return user;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        for (String key : new String[] {"?user=", "&user=", ";user="}) {
            int at = lower.indexOf(key);
            if (at >= 0) {
                int from = at + key.length();
                int end = from;
                while (end < url.length() && url.charAt(end) != '&' && url.charAt(end) != ';') end++;
                return url.substring(from, end);
            }
        }
        return null;
    }

    /** Where the authority starting at {@code from} ends: its first '/', '?' or ';', or the end. */
    static int authorityEnd(String url, int from) {
        int end = from;
        while (end < url.length() && "/?;".indexOf(url.charAt(end)) < 0) end++;
        return end;
    }

    /** A flat copy of {@code p}, defaults included, so the caller's object never receives a real value. */
    static Properties copy(Properties p) {
        Properties out = new Properties();
        for (Map.Entry<Object, Object> e : p.entrySet()) out.put(e.getKey(), e.getValue());
        for (String name : p.stringPropertyNames()) out.setProperty(name, p.getProperty(name));
        return out;
    }
}
