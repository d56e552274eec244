package dev.veil.rules;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scheme://host[:port]/path}: {@code *.example.com} matches any subdomain (not the apex),
 * port {@code *} any port, no port the scheme's default; in the path {@code *} is one segment
 * (or part of one), {@code **} any number of segments; no path means every path.
 */
public final class UrlPattern {
    private static final Pattern FORM = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*)://(\\[[0-9A-Fa-f:.]+\\]|[^/:?#\\[\\]@]+)(?::(\\*|\\d{1,5}))?(/[^?#]*)?");

    private final String text;
    private final String scheme;
    private final String host;
    private final int port; // -1 = any
    private final String path;

    private UrlPattern(String text, String scheme, String host, int port, String path) {
        this.text = text;
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    public static UrlPattern parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad url pattern '" + text + "': expected scheme://host[:port]/path such as https://api.openai.com/v1/**");
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        int defaultPort = defaultPort(scheme);
        if (defaultPort < 0) {
            throw new IllegalArgumentException("bad url pattern '" + text + "': scheme must be http, https, ws or wss");
        }
        String host = m.group(2).toLowerCase(Locale.ROOT);
        if (host.equals("*") || host.equals("**")) {
            throw new IllegalArgumentException("bad url pattern '" + text + "': a bare * host allows every destination; name the host or use *.domain");
        }
        if (host.indexOf('*') >= 0 && !(host.startsWith("*.") && host.indexOf('*', 1) < 0 && host.length() > 2)) {
            throw new IllegalArgumentException("bad url pattern '" + text + "': a host wildcard is only allowed as a leading '*.' such as *.example.com");
        }
        int port = defaultPort;
        if (m.group(3) != null) {
            port = m.group(3).equals("*") ? -1 : Integer.parseInt(m.group(3));
            if (port > 65535 || port == 0) {
                throw new IllegalArgumentException("bad url pattern '" + text + "': port " + port + " is out of range");
            }
        }
        String path = m.group(4) == null || m.group(4).isEmpty() ? "/**" : m.group(4);
        return new UrlPattern(text, scheme, host, port, path);
    }

    static int defaultPort(String scheme) {
        switch (scheme) {
            case "http": case "ws": return 80;
            case "https": case "wss": return 443;
            default: return -1;
        }
    }

    public boolean matches(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) return false;
        String s = uri.getScheme().toLowerCase(Locale.ROOT);
        int p = uri.getPort() < 0 ? defaultPort(s) : uri.getPort();
        String rawPath = uri.normalize().getRawPath();
        return matches(s, uri.getHost(), p, rawPath == null || rawPath.isEmpty() ? "/" : rawPath);
    }

    /** {@code rawPath} must already be dot-segment normalized; encoded separators and dots never match a narrower path. */
    public boolean matches(String scheme, String host, int port, String rawPath) {
        if (!this.scheme.equals(scheme.toLowerCase(Locale.ROOT))) return false;
        if (this.port >= 0 && this.port != port) return false;
        if (!matchesHost(host)) return false;
        if (path.equals("/**")) return true;
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (rawPath.contains("..") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e")) return false;
        return Glob.matches(path, rawPath, '/');
    }

    /** Scheme, host and port only, whatever the path: lets policy say which part of a URL was not allowed. */
    public boolean matchesOrigin(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) return false;
        String s = uri.getScheme().toLowerCase(Locale.ROOT);
        int p = uri.getPort() < 0 ? defaultPort(s) : uri.getPort();
        return scheme.equals(s) && (port < 0 || port == p) && matchesHost(uri.getHost());
    }

    /** The host alone ({@code *.example.com} matches subdomains, not the apex; a trailing dot is ignored). */
    public boolean matchesHost(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (this.host.startsWith("*.")) {
            return h.endsWith(this.host.substring(1)) && h.length() != this.host.length() - 1;
        }
        return this.host.equals(h);
    }

    public String scheme() { return scheme; }
    public String host() { return host; }
    @Override public String toString() { return text; }
}
