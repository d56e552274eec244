package dev.veil.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.rules.ScrubSettings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineStreamScrubberTest {
    private static final String VALUE = "Zq8rT2vLm0PxWc4N";
    private static final String KEY = "sk-proj-" + "A1b2C3d4E5".repeat(5);

    private static Scrubber scrubber() {
        Scrubber s = new Scrubber(Detectors.of(new ScrubSettings(true, java.util.List.of())), w -> { });
        s.register("veil:v", VALUE.toCharArray());
        return s;
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** Writes each piece, flushing after each when asked; returns everything emitted, drained at the end. */
    private static String run(LineStreamScrubber l, boolean flushEach, String... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : pieces) {
            byte[] b = utf8(p);
            byte[] due = l.write(b, 0, b.length);
            out.writeBytes(due == null ? b : due);
            if (flushEach) out.writeBytes(l.flush());
        }
        out.writeBytes(l.drain());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void cleanCompleteWritesPassAsTheyAre() {
        byte[] line = utf8("nothing to see\n");
        assertNull(new LineStreamScrubber(scrubber()).write(line, 0, line.length));
    }

    @Test
    void valueSplitAtEveryPointIsReplacedEvenWhenEachWriteIsFlushed() {
        String line = "token=" + VALUE + " done\n";
        for (int cut = 1; cut < line.length(); cut++) {
            for (boolean flush : new boolean[] {false, true}) {
                String out = run(new LineStreamScrubber(scrubber()), flush, line.substring(0, cut), line.substring(cut));
                assertEquals("token=veil:v done\n", out, "cut at " + cut + ", flush " + flush);
            }
        }
    }

    @Test
    void detectorMatchSplitInsideAnUnflushedLineIsRedacted() {
        String line = "key " + KEY + " end\n";
        for (int cut = 1; cut < line.length(); cut++) {
            String out = run(new LineStreamScrubber(scrubber()), false, line.substring(0, cut), line.substring(cut));
            assertEquals("key [REDACTED:openai-api-key] end\n", out, "cut at " + cut);
        }
    }

    @Test
    void detectorMatchSplitBetweenTwoFlushedWritesIsRedacted() {
        String[][] secrets = {
            {KEY, "[REDACTED:openai-api-key]"},
            {"ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5", "[REDACTED:github-pat]"},
            {"AKIAQ3EGRZ7UVWXY2345", "[REDACTED:aws-access-key-id]"},
            {"jdbc:postgresql://db/app?user=a&password=Tr0ub4dor-x9q", "jdbc:postgresql://db/app?user=a&password=[REDACTED:jdbc-password]"},
        };
        for (String[] s : secrets) {
            String line = "key " + s[0] + " end\n";
            for (int cut = 1; cut < line.length(); cut++) {
                String out = run(new LineStreamScrubber(scrubber()), true, line.substring(0, cut), line.substring(cut));
                assertEquals("key " + s[1] + " end\n", out, "cut at " + cut);
            }
        }
    }

    @Test
    void aFlushedPromptIsNotHeldForLookingLikeAKeyword() {
        for (String prompt : new String[] {"Name:", "Loading", "Enter key (sk-...): ", "url https://example.com/x 45%"}) {
            LineStreamScrubber l = new LineStreamScrubber(scrubber());
            byte[] b = utf8(prompt);
            assertEquals(0, l.write(b, 0, b.length).length);
            assertEquals(prompt, new String(l.flush(), StandardCharsets.UTF_8));
        }
        LineStreamScrubber l = new LineStreamScrubber(scrubber());
        byte[] b = utf8("token: gh");
        l.write(b, 0, b.length);
        assertEquals("token: ", new String(l.flush(), StandardCharsets.UTF_8), "a keyword's start is held");
    }

    @Test
    void nothingIsHeldPastALineBreakOrAFlushUnlessItCouldStartAValue() {
        LineStreamScrubber l = new LineStreamScrubber(scrubber());
        byte[] b = utf8("a line\nprompt> ");
        assertEquals("a line\n", new String(l.write(b, 0, b.length), StandardCharsets.UTF_8));
        assertEquals("prompt> ", new String(l.flush(), StandardCharsets.UTF_8));
        byte[] start = utf8("value: " + VALUE.substring(0, 6));
        l.write(start, 0, start.length);
        assertEquals("value: ", new String(l.flush(), StandardCharsets.UTF_8));
        assertEquals(VALUE.substring(0, 6), new String(l.drain(), StandardCharsets.UTF_8));
    }

    @Test
    void aVeryLongLineIsNotHeldWhole() {
        LineStreamScrubber l = new LineStreamScrubber(scrubber());
        byte[] b = utf8("x".repeat(LineStreamScrubber.MAX_LINE + 10));
        assertEquals(b.length, l.write(b, 0, b.length).length);
    }

    @Test
    void redactionsKeepJsonValid() throws Exception {
        Scrubber s = scrubber();
        ObjectMapper json = new ObjectMapper();
        String[] messages = {
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0truncated",
            "jdbc:postgresql://db/x?user=a&password=pa\"ss\\",
            "url https://user:s3cr\\et\\@host/x",
            "\"" + KEY + "\"",
        };
        for (String m : messages) {
            String line = json.writeValueAsString(java.util.Map.of("message", m, "after", "kept"));
            String out = s.scrub(line);
            assertTrue(out.contains("[REDACTED:"), out);
            assertEquals("kept", json.readTree(out).get("after").asText(), out);
            assertFalse(json.readTree(out).get("message").asText().contains("MIIEow"), out);
        }
    }
}
