package dev.veil.rules;

import java.util.Locale;
import java.util.Set;

/** {@code - url: ..., methods: [...], in: [...]}. */
public final class HttpGrant implements Grant {
    /** Parts of an HTTP request a placeholder may sit in. */
    public enum Part {
        HEADER, QUERY, USERINFO, BODY;

        public String keyword() { return name().toLowerCase(Locale.ROOT); }
    }

    private final UrlPattern url;
    private final Set<String> methods;
    private final Set<Part> in;
    private final String location;

    public HttpGrant(UrlPattern url, Set<String> methods, Set<Part> in, String location) {
        this.url = url;
        this.methods = Set.copyOf(methods);
        this.in = Set.copyOf(in);
        this.location = location;
    }

    public UrlPattern url() { return url; }
    /** Upper-case method names; empty means every method. */
    public Set<String> methods() { return methods; }
    public boolean allowsMethod(String method) {
        return methods.isEmpty() || methods.contains(method.toUpperCase(Locale.ROOT));
    }
    public Set<Part> in() { return in; }
    @Override public String location() { return location; }
    @Override public String toString() { return "url " + url; }
}
