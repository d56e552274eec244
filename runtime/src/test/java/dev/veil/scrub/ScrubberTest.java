package dev.veil.scrub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.rules.ScrubSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ScrubberTest {
    /** Values chosen so every encoding differs from the raw form somewhere. */
    private static final List<String> VALUES = List.of(
            "Zq8rT2vLm0PxWc4N",               // plain alphanumeric, typical API key body
            "p@ss/w0rd+\"q\\uote&=x y",       // needs percent- and JSON-escaping
            "clé-secrète-Ωmega-42");          // non-ASCII: UTF-8 bytes differ from chars

    private static Scrubber scrubberWithValues() {
        Scrubber s = new Scrubber();
        for (int i = 0; i < VALUES.size(); i++) {
            assertTrue(s.register("veil:v" + i, VALUES.get(i).toCharArray()));
        }
        return s;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyEncodingIsReplacedInStringBuilderAndBytes() {
        Scrubber s = scrubberWithValues();
        for (int i = 0; i < VALUES.size(); i++) {
            String placeholder = "veil:v" + i;
            for (String form : Encodings.all(VALUES.get(i))) {
                String text = "before " + form + " after";
                String out = s.scrub(text);
                assertFalse(out.contains(form), "encoding left in place for " + placeholder);
                assertTrue(out.contains(placeholder), placeholder);
                assertTrue(out.startsWith("before ") && out.endsWith(" after"));

                StringBuilder sb = new StringBuilder(text);
                assertTrue(s.scrub(sb));
                assertEquals(out, sb.toString());

                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                assertArrayEquals(out.getBytes(StandardCharsets.UTF_8), s.scrub(bytes));
            }
        }
    }

    @Test
    void encodingsWrittenByRealEncodersAreReplaced() throws Exception {
        Scrubber s = scrubberWithValues();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < VALUES.size(); i++) {
            String v = VALUES.get(i);
            String p = "veil:v" + i;
            List<String> written = List.of(
                    json.writeValueAsString(Map.of("apiKey", v)),
                    "https://h/cb?token=" + URLEncoder.encode(v, StandardCharsets.UTF_8) + "&x=1",
                    "data=" + b64(v),
                    "data=" + Base64.getUrlEncoder().withoutPadding().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
            for (String text : written) {
                String out = s.scrub(text);
                assertTrue(out.contains(p), "not replaced: encoder output #" + written.indexOf(text) + " of " + p);
            }
        }
    }

    @Test
    void xmlCommandLineAndQuotedFormsAreReplaced() {
        Scrubber s = new Scrubber();
        String v = "a<b>&c\"d'e\\\"f$g`h";
        assertTrue(s.register("veil:x", v.toCharArray()));
        List<String> written = List.of(
                "<message>a&lt;b&gt;&amp;c\"d'e\\\"f$g`h</message>",                    // JUL XMLFormatter: & < > only
                "<e v=\"a&lt;b&gt;&amp;c&quot;d&apos;e\\&quot;f$g`h\"/>",               // attribute, named references
                "<e v='a&lt;b&gt;&amp;c&#34;d&#39;e\\&#34;f$g`h'/>",                      // attribute, numeric references
                "app.exe \"a<b>&c\\\"d'e\\\\\\\"f$g`h\"",                              // Windows argv quoting
                "sh -c \"echo a<b>&c\\\"d'e\\\\\\\"f\\$g\\`h\"",                      // POSIX double quotes
                "sh -c 'echo a<b>&c\"d'\\''e\\\"f$g`h'");                                 // POSIX single quotes
        for (String text : written) {
            String out = s.scrub(text);
            assertTrue(out.contains("veil:x"), "not replaced: form #" + written.indexOf(text));
        }
        Scrubber quoted = new Scrubber();
        assertTrue(quoted.register("veil:q", "\"Zq8rT2vLm0Px\"".toCharArray()));
        assertEquals("k=veil:q;", quoted.scrub("k=Zq8rT2vLm0Px;"), "the value with its quotes trimmed");
        assertFalse(Encodings.all("\"Zq8rT2\"").contains("Zq8rT2"), "a trimmed form is never shorter than the minimum");
    }

    @Test
    void valueInsideLongerBase64IsReplacedAtEveryAlignment() {
        Scrubber s = scrubberWithValues();
        for (int i = 0; i < VALUES.size(); i++) {
            byte[] v = VALUES.get(i).getBytes(StandardCharsets.UTF_8);
            for (int before = 0; before < 6; before++) {
                for (int after = 0; after < 4; after++) {
                    String blob = b64("{".repeat(before) + VALUES.get(i) + "}".repeat(after));
                    String out = s.scrub("payload=" + blob + ";");
                    assertTrue(out.contains("veil:v" + i), "alignment " + before + "/" + after);
                    String stable = Encodings.base64Stable(Base64.getEncoder(), v, before % 3);
                    assertFalse(out.contains(stable));
                }
            }
        }
    }

    @Test
    void httpBasicWithAnyUserIsReplaced() {
        Scrubber s = scrubberWithValues();
        for (String user : List.of("", "a", "ab", "abc", "deploy-bot", "x@y.z")) {
            String header = "Authorization: Basic " + b64(user + ":" + VALUES.get(0));
            String out = s.scrub(header);
            assertTrue(out.contains("veil:v0"), "user length " + user.length());
            // What remains after the placeholder is at most padding.
            String tail = out.substring(out.indexOf("veil:v0") + "veil:v0".length());
            assertTrue(tail.matches("=*"), "tail " + tail);
        }
    }

    @Test
    void cleanTextIsReturnedAsTheSameInstance() {
        Scrubber s = scrubberWithValues();
        String clean = "2024-05-01T10:00:00Z INFO request id=6f1c2a3b-0000-4000-8000-1234567890ab took 12ms";
        assertSame(clean, s.scrub(clean));
        byte[] bytes = clean.getBytes(StandardCharsets.UTF_8);
        assertSame(bytes, s.scrub(bytes));
        assertSame(bytes, s.scrub(bytes, 3, 20));
        StringBuilder sb = new StringBuilder(clean);
        assertFalse(s.scrub(sb));
        assertEquals(clean, sb.toString());
        assertEquals(null, s.scrub((String) null));
    }

    @Test
    void byteRegionIsScrubbedAlone() {
        Scrubber s = scrubberWithValues();
        byte[] all = ("AAAA " + VALUES.get(2) + " ZZZZ").getBytes(StandardCharsets.UTF_8);
        byte[] out = s.scrub(all, 5, all.length - 10);
        assertEquals("veil:v2", new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void valueAtEveryOffsetIsFound() {
        Scrubber s = scrubberWithValues();
        for (int pad = 0; pad < 40; pad++) {
            String text = "-".repeat(pad) + VALUES.get(0) + "-".repeat(40 - pad);
            assertEquals("-".repeat(pad) + "veil:v0" + "-".repeat(40 - pad), s.scrub(text), "pad " + pad);
        }
    }

    @Test
    void adjacentAndOverlappingValuesLeaveNothingBehind() {
        Scrubber s = new Scrubber();
        s.register("veil:a", "AAAABBBBCCCC".toCharArray());
        s.register("veil:b", "CCCCDDDDEEEE".toCharArray());
        assertEquals("veil:aveil:a", s.scrub("AAAABBBBCCCCAAAABBBBCCCC"));
        // Overlap: the union is replaced, the leftmost placeholder names it.
        assertEquals("<veil:a>", s.scrub("<AAAABBBBCCCCDDDDEEEE>"));
    }

    @Test
    void shortValuesAreRefusedWithAWarningThatHoldsNoValue() {
        List<String> warnings = new ArrayList<>();
        Scrubber s = new Scrubber(Detectors.none(), warnings::add);
        assertFalse(s.register("veil:pin", "1234567".toCharArray()));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("veil:pin"));
        assertFalse(warnings.get(0).contains("1234567"));
        assertEquals("pin 1234567", s.scrub("pin 1234567"));
        assertTrue(s.register("veil:pin8", "12345678".toCharArray()));
        assertEquals("pin veil:pin8", s.scrub("pin 12345678"));
    }

    @Test
    void rotationAndUnregister() {
        Scrubber s = new Scrubber();
        s.register("veil:k", "old-value-123456".toCharArray());
        s.register("veil:k", "mid-value-123456".toCharArray());
        assertEquals("veil:k veil:k", s.scrub("old-value-123456 mid-value-123456"));
        s.replace("veil:k", "new-value-123456".toCharArray());
        assertEquals("old-value-123456 veil:k", s.scrub("old-value-123456 new-value-123456"));
        s.unregister("veil:k");
        assertEquals("new-value-123456", s.scrub("new-value-123456"));
    }

    @Test
    void registeredValueIsCopied() {
        Scrubber s = new Scrubber();
        char[] v = "copy-me-please-1".toCharArray();
        s.register("veil:c", v);
        java.util.Arrays.fill(v, '\0');
        assertEquals("veil:c", s.scrub("copy-me-please-1"));
    }

    @Test
    void detectorMatchSplitBetweenTwoWritesIsCaughtAtEverySplitPoint() {
        Scrubber s = new Scrubber(new ScrubSettings(true, List.of()));
        String key = "sk-proj-hMVyISmgSBk6dB7YOvZVfgFx8hJGowQD3sxM0YzjUBNpZnKM";
        String line = "before " + key + " after\n";
        for (int split = 0; split <= line.length(); split++) {
            StreamScrubber stream = new StreamScrubber(s);
            String out = stream.write(line.substring(0, split)) + stream.write(line.substring(split)) + stream.flush();
            assertEquals("before [REDACTED:openai-api-key] after\n", out, "split at " + split);
        }
    }

    @Test
    void valueSplitBetweenTwoWritesIsCaughtAtEverySplitPoint() {
        Scrubber s = scrubberWithValues();
        String v = VALUES.get(1);
        String line = "user logged in with " + v + " ok\n";
        for (int split = 0; split <= line.length(); split++) {
            StreamScrubber stream = new StreamScrubber(s);
            String out = stream.write(line.substring(0, split)) + stream.write(line.substring(split)) + stream.flush();
            assertEquals("user logged in with veil:v1 ok\n", out, "split at " + split);
        }
    }

    @Test
    void streamEmitsEarlyWithoutCuttingValues() {
        Scrubber s = scrubberWithValues();
        StreamScrubber stream = new StreamScrubber(s);
        StringBuilder out = new StringBuilder();
        String v = VALUES.get(0);
        for (int i = 0; i < 200; i++) {
            out.append(stream.write("line " + i + " " + v.substring(0, 5)));
            out.append(stream.write(v.substring(5) + "\n"));
        }
        int beforeFlush = out.length();
        out.append(stream.flush());
        assertTrue(beforeFlush > out.length() / 2, "the stream holds back only a little");
        assertFalse(out.toString().contains(v));
        assertEquals(200, out.toString().split("veil:v0", -1).length - 1);
    }

    @Test
    void concurrentRegistrationWhileScrubbing() throws Exception {
        Scrubber s = new Scrubber();
        int n = 300;
        AtomicInteger registered = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> leak = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread t = new Thread(() -> {
                while (!done.get()) {
                    int upTo = registered.get();
                    for (int i = Math.max(0, upTo - 5); i < upTo; i++) {
                        String out = s.scrub("call with " + value(i) + " failed");
                        if (!out.equals("call with veil:c" + i + " failed")) {
                            leak.compareAndSet(null, "value " + i + " not scrubbed after registration");
                        }
                    }
                }
            });
            t.start();
            readers.add(t);
        }
        for (int i = 0; i < n; i++) {
            s.register("veil:c" + i, value(i).toCharArray());
            registered.set(i + 1);
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertEquals(null, leak.get());
        assertEquals(0, s.failures());
    }

    private static String value(int i) {
        return String.format("conc-%04d-Xk9PqR7s", i);
    }

    @Test
    void internalFailureRedactsTheWholeTextInsteadOfThrowing() {
        // A user pattern without a literal prefix runs over the whole text; this one overflows the
        // regex engine's stack on a long input, a real failure mode of java.util.regex.
        ScrubSettings settings = new ScrubSettings(false,
                List.of(new ScrubSettings.NamedPattern("xy", Pattern.compile("(x|y)+z"))));
        Scrubber s = new Scrubber(settings);
        assertEquals(1, Detectors.of(settings).alwaysRunCount());
        String hostile = "xy".repeat(200_000);
        assertEquals(Scrubber.SCRUB_FAILED, s.scrub(hostile));
        StringBuilder sb = new StringBuilder(hostile);
        assertTrue(s.scrub(sb));
        assertEquals(Scrubber.SCRUB_FAILED, sb.toString());
        assertEquals(Scrubber.SCRUB_FAILED,
                new String(s.scrub(hostile.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        assertEquals(3, s.failures());
        assertEquals("a [REDACTED:xy] b", s.scrub("a xyz b"));
    }

    @Test
    void valuesThenDetectors() {
        Scrubber s = new Scrubber(new ScrubSettings(true, List.of()));
        String fakeGithub = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
        s.register("veil:github", fakeGithub.toCharArray());
        String other = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2";
        assertEquals("token veil:github and [REDACTED:github-pat]", s.scrub("token " + fakeGithub + " and " + other));
        byte[] out = s.scrub(("token " + fakeGithub + " and " + other).getBytes(StandardCharsets.UTF_8));
        assertEquals("token veil:github and [REDACTED:github-pat]", new String(out, StandardCharsets.UTF_8));
    }
}
