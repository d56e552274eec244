package dev.veil.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.inject.PlaceholderScanner.Encoding;
import dev.veil.inject.PlaceholderScanner.Found;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PlaceholderScannerTest {
    private final PlaceholderScanner scanner =
            new PlaceholderScanner(List.of("veil:openai", "veil:open", "{{GITHUB_TOKEN}}", "veil:db.orders"));
    private final Map<String, String> values = Map.of(
            "veil:openai", "sk-test value/1",
            "veil:open", "OPEN-VALUE",
            "{{GITHUB_TOKEN}}", "gh-value",
            "veil:db.orders", "pw:orders");
    private final Function<String, CharSequence> lookup = values::get;

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rawPlaceholderInHeader() {
        List<Found> found = scanner.find("Bearer veil:openai");
        assertEquals(1, found.size());
        Found f = found.get(0);
        assertEquals("veil:openai", f.placeholder());
        assertEquals(7, f.start());
        assertEquals(18, f.end());
        assertEquals(Encoding.RAW, f.encoding());
        assertTrue(f.known());
        assertEquals("Bearer sk-test value/1", scanner.substitute("Bearer veil:openai", lookup));
    }

    @Test
    void percentEncodedPlaceholderGetsPercentEncodedValue() {
        for (String url : List.of("https://h/x?key=veil%3Aopenai&a=1", "https://h/x?key=veil%3aopenai&a=1")) {
            List<Found> found = scanner.find(url);
            assertEquals(1, found.size(), url);
            assertEquals("veil:openai", found.get(0).placeholder());
            assertEquals(Encoding.PERCENT, found.get(0).encoding());
            assertEquals("https://h/x?key=sk-test%20value%2F1&a=1", scanner.substitute(url, lookup));
        }
    }

    @Test
    void nonVeilPlaceholderRawAndPercentEncoded() {
        assertEquals("token gh-value", scanner.substitute("token {{GITHUB_TOKEN}}", lookup));
        assertEquals("q=gh-value", scanner.substitute("q=%7B%7BGITHUB_TOKEN%7D%7D", lookup));
    }

    @Test
    void unknownVeilPlaceholderIsReported() {
        List<Found> found = scanner.find("{\"key\": \"veil:stripe-live\"}");
        assertEquals(1, found.size());
        assertEquals("veil:stripe-live", found.get(0).placeholder());
        assertFalse(found.get(0).known());
        List<Found> encoded = scanner.find("a=veil%3Astripe_live");
        assertEquals("veil:stripe_live", encoded.get(0).placeholder());
        assertFalse(encoded.get(0).known());
        assertEquals(Encoding.PERCENT, encoded.get(0).encoding());
        // Left as it is by substitute: the lookup knows nothing of it.
        String text = "x veil:stripe-live";
        assertSame(text, scanner.substitute(text, lookup));
    }

    @Test
    void nameRunningPastAConfiguredPlaceholderIsUnknown() {
        List<Found> found = scanner.find("veil:openai2");
        assertEquals(1, found.size());
        assertEquals("veil:openai2", found.get(0).placeholder());
        assertFalse(found.get(0).known());
        List<Found> dotted = scanner.find("use veil:db.orders.");
        assertEquals("veil:db.orders", dotted.get(0).placeholder());
        assertTrue(dotted.get(0).known());
    }

    @Test
    void overlappingPlaceholdersLongestWins() {
        List<Found> found = scanner.find("a veil:openai b veil:open c");
        assertEquals(2, found.size());
        assertEquals("veil:openai", found.get(0).placeholder());
        assertEquals("veil:open", found.get(1).placeholder());
        assertEquals("a sk-test value/1 b OPEN-VALUE c", scanner.substitute("a veil:openai b veil:open c", lookup));
    }

    @Test
    void bareVeilPrefixIsNotAPlaceholder() {
        assertTrue(scanner.find("see veil: the docs").isEmpty());
    }

    @Test
    void basicCredentialIsDecodedScannedAndReencoded() {
        String header = basic("alice:veil:openai");
        List<Found> found = scanner.find(header);
        assertEquals(1, found.size());
        assertEquals(Encoding.BASIC, found.get(0).encoding());
        assertEquals("veil:openai", found.get(0).placeholder());
        assertEquals(6, found.get(0).start());
        assertEquals(header.length(), found.get(0).end());
        assertTrue(scanner.mayContain(header));
        assertEquals(basic("alice:sk-test value/1"), scanner.substitute(header, lookup));
        // Placeholders in user and password both.
        assertEquals(basic("gh-value:OPEN-VALUE"), scanner.substitute(basic("{{GITHUB_TOKEN}}:veil:open"), lookup));
    }

    @Test
    void basicWithoutPlaceholderOrInvalidIsUntouched() {
        String plain = basic("alice:secret-password");
        assertTrue(scanner.find(plain).isEmpty());
        assertSame(plain, scanner.substitute(plain, lookup));
        String invalid = "Basic !!!not-base64";
        assertTrue(scanner.find(invalid).isEmpty());
        assertSame(invalid, scanner.substitute(invalid, lookup));
        String unknownInBasic = basic("bob:veil:nope");
        assertFalse(scanner.find(unknownInBasic).get(0).known());
    }

    @Test
    void noMatchReturnsSameInstance() {
        String text = "GET /v1/models?limit=10 HTTP/1.1 host=api.openai.com veil-like vei:l";
        assertFalse(scanner.mayContain(text));
        assertTrue(scanner.find(text).isEmpty());
        assertSame(text, scanner.substitute(text, lookup));
        assertSame("", scanner.substitute("", lookup));
        assertFalse(scanner.mayContain(""));
        assertFalse(scanner.mayContain(null));
    }

    @Test
    void placeholderAtEveryPositionIsFound() {
        // The index samples the text every few chars; every alignment must still be found.
        for (int pad = 0; pad < 20; pad++) {
            String text = "x".repeat(pad) + "veil:open" + " tail";
            assertTrue(scanner.mayContain(text), "pad " + pad);
            assertEquals(List.of("veil:open"), scanner.find(text).stream().map(Found::placeholder).toList());
            assertEquals("x".repeat(pad) + "OPEN-VALUE tail", scanner.substitute(text, lookup));
        }
    }

    @Test
    void substituteAllOccurrences() {
        assertEquals("OPEN-VALUE,OPEN-VALUE", scanner.substitute("veil:open,veil:open", lookup));
    }

    @Test
    void badConfigurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PlaceholderScanner(List.of("veil:")));
        assertThrows(IllegalArgumentException.class, () -> new PlaceholderScanner(List.of("veil:ab", "veil:ab")));
    }

    @Test
    void noPlaceholdersConfiguredStillFindsUnknown() {
        PlaceholderScanner empty = new PlaceholderScanner(List.of());
        assertFalse(empty.find("k=veil:x").get(0).known());
        assertFalse(empty.mayContain("nothing here"));
    }
}
