package dev.veil.inject;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** The few facts Veil reads from a JDBC URL: the login user and the URL without user-info. */
final class JdbcUrls {
    private JdbcUrls() {}

    /** {@code jdbc:x://user:pass@host/db} without {@code user:pass@}; other URLs as they are. */
    static String withoutUserInfo(String url) {
        if (url == null) return null;
        int authority = url.indexOf("//");
        if (authority < 0) return url;
        int at = userInfoEnd(url, authority + 2);
        return at < 0 ? url : url.substring(0, authority + 2) + url.substring(at + 1);
    }

    /** The {@code user=} parameter ({@code ?}/{@code &} or {@code ;} separated), else the user-info's user; null if none. */
    static String user(String url) {
        if (url == null) return null;
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
        int authority = url.indexOf("//");
        if (authority < 0) return null;
        int at = userInfoEnd(url, authority + 2);
        if (at < 0) return null;
        String info = url.substring(authority + 2, at);
        int colon = info.indexOf(':');
        return colon < 0 ? info : info.substring(0, colon);
    }

    /** Index of the '@' ending user-info in the authority starting at {@code from}, or -1. */
    private static int userInfoEnd(String url, int from) {
        int end = from;
        while (end < url.length() && "/?;".indexOf(url.charAt(end)) < 0) end++;
        return url.lastIndexOf('@', end - 1) >= from ? url.lastIndexOf('@', end - 1) : -1;
    }

    /** A flat copy of {@code p}, defaults included, so the caller's object never receives a real value. */
    static Properties copy(Properties p) {
        Properties out = new Properties();
        for (Map.Entry<Object, Object> e : p.entrySet()) out.put(e.getKey(), e.getValue());
        for (String name : p.stringPropertyNames()) out.setProperty(name, p.getProperty(name));
        return out;
    }
}
