package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPatternTest {
    private static boolean matches(String pattern, String uri) {
        return UrlPattern.parse(pattern).matches(URI.create(uri));
    }

    @Test
    void hostWildcardMatchesSubdomainsOnly() {
        String p = "https://*.example.com/**";
        assertTrue(matches(p, "https://api.example.com/x"));
        assertTrue(matches(p, "https://a.b.example.com/x"));
        assertFalse(matches(p, "https://example.com/x"), "the apex is not a subdomain");
        assertFalse(matches(p, "https://badexample.com/x"));
        assertFalse(matches(p, "https://example.com.evil.net/x"));
    }

    @Test
    void hostsCompareCaseInsensitivelyAndIgnoreATrailingDot() {
        assertTrue(matches("https://API.OpenAI.com/v1/**", "https://api.openai.COM./v1/chat"));
        assertTrue(matches("HTTPS://api.openai.com", "https://api.openai.com/"));
    }

    @Test
    void userinfoCannotDisguiseTheHost() {
        assertFalse(matches("https://api.openai.com/**", "https://api.openai.com@evil.example/v1"));
        assertTrue(matches("https://evil.example/**", "https://api.openai.com@evil.example/v1"));
    }

    @Test
    void missingPortMeansTheSchemesDefault() {
        String p = "https://api.example.com/**";
        assertTrue(matches(p, "https://api.example.com/x"));
        assertTrue(matches(p, "https://api.example.com:443/x"));
        assertFalse(matches(p, "https://api.example.com:8443/x"));
        assertFalse(matches(p, "http://api.example.com/x"), "the scheme must match too");
        assertTrue(matches("http://api.example.com", "http://api.example.com:80/"));
        assertTrue(matches("wss://rt.example.com", "wss://rt.example.com:443/socket"));
    }

    @Test
    void starPortMatchesAnyPortAndExplicitPortOnlyItself() {
        assertTrue(matches("http://127.0.0.1:*/v1/**", "http://127.0.0.1:49152/v1/x"));
        assertTrue(matches("http://127.0.0.1:*/v1/**", "http://127.0.0.1/v1/x"));
        assertTrue(matches("http://localhost:8080/**", "http://localhost:8080/a"));
        assertFalse(matches("http://localhost:8080/**", "http://localhost:8081/a"));
        assertFalse(matches("http://localhost:8080/**", "http://localhost/a"));
    }

    @Test
    void ipv6Hosts() {
        assertTrue(matches("http://[::1]:*/**", "http://[::1]:9000/x"));
        assertFalse(matches("http://[::1]:*/**", "http://[::2]:9000/x"));
    }

    @Test
    void singleStarIsOneSegmentDoubleStarIsMany() {
        String one = "https://h.example/api/*/items";
        assertTrue(matches(one, "https://h.example/api/42/items"));
        assertFalse(matches(one, "https://h.example/api/42/43/items"));
        assertFalse(matches(one, "https://h.example/api/items"));
        String many = "https://h.example/api/**/items";
        assertTrue(matches(many, "https://h.example/api/42/43/items"));
        assertTrue(matches("https://h.example/v1/chat-*", "https://h.example/v1/chat-completions"));
        assertFalse(matches("https://h.example/v1/chat-*", "https://h.example/v1/chat-x/y"));
    }

    @Test
    void doubleStarAtTheEndCoversTheDirectoryButNotItsParent() {
        String p = "https://h.example/v1/**";
        assertTrue(matches(p, "https://h.example/v1/"));
        assertTrue(matches(p, "https://h.example/v1/a/b/c"));
        assertFalse(matches(p, "https://h.example/v1"));
        assertFalse(matches(p, "https://h.example/v10/x"));
        assertFalse(matches(p, "https://h.example/"));
    }

    @Test
    void noPathMeansEveryPath() {
        assertTrue(matches("https://h.example", "https://h.example"));
        assertTrue(matches("https://h.example", "https://h.example/any/thing?q=1"));
        assertTrue(matches("https://h.example", "https://h.example/a%2Fb"));
    }

    @Test
    void queryAndFragmentAreNotPartOfThePath() {
        assertTrue(matches("https://h.example/v1/*", "https://h.example/v1/x?redirect=/admin#frag"));
    }

    @Test
    void pathsAreCaseSensitive() {
        assertTrue(matches("https://h.example/admin/**", "https://h.example/admin/x"));
        assertFalse(matches("https://h.example/admin/**", "https://h.example/ADMIN/x"));
    }

    @Test
    void dotSegmentsAreResolvedBeforeMatching() {
        String p = "https://h.example/v1/**";
        assertFalse(matches(p, "https://h.example/v1/../admin"));
        assertFalse(matches(p, "https://h.example/v1/./../admin"));
        assertTrue(matches(p, "https://h.example/v1/./chat"));
        assertTrue(matches(p, "https://h.example/v1/a/../chat"));
        assertFalse(matches(p, "https://h.example/../v1/chat"), "a leading .. survives normalization and is refused");
    }

    @Test
    void encodedSeparatorsAndDotsNeverMatchANarrowPath() {
        String p = "https://h.example/v1/**";
        assertFalse(matches(p, "https://h.example/v1/%2e%2e/admin"));
        assertFalse(matches(p, "https://h.example/v1/%2E%2E%2Fadmin"));
        assertFalse(matches(p, "https://h.example/v1/..%2fadmin"));
        assertFalse(matches(p, "https://h.example/v1/..%5cadmin"));
        assertFalse(matches("https://h.example/v1/*/x", "https://h.example/v1/a%2Fb/x"), "an encoded slash is not a segment boundary");
        assertTrue(matches(p, "https://h.example/v1/caf%C3%A9"));
    }

    @Test
    void uriWithoutHostNeverMatches() {
        assertFalse(matches("https://h.example/**", "mailto:a@h.example"));
        assertFalse(matches("https://h.example/**", "/relative/path"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "api.openai.com/v1", "ftp://h.example/", "file:///etc/passwd", "https://", "https://*/x", "https://**/x",
            "https://api.*.com/", "https://*api.com/", "https://*./", "https://h.example:0/", "https://h.example:65536/",
            "https://h.example:123456/", "https://h.example:/", "https://h.example/x?q=1", "https://h.example/#f",
            "https://user@h.example/", "https://h.example:80:80/"})
    void rejectsBadPatterns(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UrlPattern.parse(bad));
        assertTrue(e.getMessage().startsWith("bad url pattern '" + bad + "'"), e.getMessage());
    }

    @Test
    void acceptsEdgePorts() {
        assertTrue(matches("https://h.example:1/", "https://h.example:1/"));
        assertTrue(matches("https://h.example:65535/", "https://h.example:65535/"));
        assertEquals("https", UrlPattern.parse("HTTPS://H.example").scheme());
        assertEquals("h.example", UrlPattern.parse("HTTPS://H.example").host());
    }
}
