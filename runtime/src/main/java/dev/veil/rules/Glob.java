package dev.veil.rules;

/**
 * Wildcard matching shared by URL and JDBC patterns: {@code *} never crosses {@code separator},
 * {@code **} crosses anything. Case-sensitive: callers lower-case the parts that are not (scheme,
 * host, driver), so a grant for {@code /admin} does not also grant {@code /ADMIN}.
 */
final class Glob {
    private Glob() {}

    static boolean matches(String pattern, String text, char separator) {
        return match(pattern, 0, text, 0, separator);
    }

    private static boolean match(String p, int pi, String t, int ti, char sep) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                boolean deep = pi + 1 < p.length() && p.charAt(pi + 1) == '*';
                int next = pi + (deep ? 2 : 1);
                for (int k = ti; k <= t.length(); k++) {
                    if (match(p, next, t, k, sep)) return true;
                    if (k < t.length() && !deep && t.charAt(k) == sep) return false;
                }
                return false;
            }
            if (ti >= t.length() || c != t.charAt(ti)) return false;
            pi++;
            ti++;
        }
        return ti == t.length();
    }
}
