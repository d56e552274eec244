package dev.veil.policy;

import java.net.URI;
import java.util.Locale;

/**
 * Destinations as shown in messages and the audit log: everything that may carry a secret
 * (user-info, query, fragment, JDBC properties and inline passwords) is left out.
 */
final class Destinations {
    private Destinations() {}

    static String http(URI uri) {
        StringBuilder b = new StringBuilder();
        if (uri.getScheme() != null) b.append(uri.getScheme().toLowerCase(Locale.ROOT)).append("://");
        b.append(uri.getHost() != null ? uri.getHost() : "<no host>");
        if (uri.getPort() >= 0) b.append(':').append(uri.getPort());
        String path = uri.getRawPath();
        b.append(path == null || path.isEmpty() ? "/" : path);
        return b.toString();
    }

    static String jdbc(String url) {
        if (url == null) return "<no url>";
        String u = url.trim();
        int cut = u.length();
        int q = u.indexOf('?');
        int semi = u.indexOf(';');
        if (q >= 0) cut = Math.min(cut, q);
        if (semi >= 0) cut = Math.min(cut, semi);
        u = u.substring(0, cut);
        int at = u.lastIndexOf('@');
        if (at < 0) return u;
        int slashes = u.lastIndexOf("//", at);
        if (slashes >= 0) return u.substring(0, slashes + 2) + u.substring(at + 1);
        // Oracle style jdbc:oracle:thin:user/password@host: drop from the colon before "user/".
        int slash = u.indexOf('/');
        int from = u.lastIndexOf(':', slash >= 0 && slash < at ? slash : at);
        return u.substring(0, from + 1) + u.substring(at);
    }
}
