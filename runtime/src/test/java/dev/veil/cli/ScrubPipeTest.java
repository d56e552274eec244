package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.rules.ScrubSettings;
import dev.veil.scrub.Detectors;
import dev.veil.scrub.Scrubber;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScrubPipeTest {
    private static final String VALUE = "real-value-Q7f3kX9w2Lm";
    private static final String BODY_LINE = body(new Random(7), 1);

    private static Scrubber scrubber(boolean detectors) {
        Scrubber s = new Scrubber(detectors ? Detectors.of(new ScrubSettings(true, List.of())) : Detectors.none(), w -> {});
        s.register("veil:demo", VALUE.toCharArray());
        return s;
    }

    /** A fake PEM body: base64 lines of 64 chars, as a real key has. */
    private static String body(Random random, int lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            byte[] bytes = new byte[48];
            random.nextBytes(bytes);
            b.append(Base64.getEncoder().encodeToString(bytes)).append('\n');
        }
        return b.toString();
    }

    private static String pem(String kind) {
        return "-----BEGIN " + kind + "-----\n" + BODY_LINE + body(new Random(11), 20) + "-----END " + kind + "-----";
    }

    /** Feeds {@code text} in chunks of {@code size} chars. */
    private static String run(Scrubber s, String text, int size) {
        ScrubPipe pipe = new ScrubPipe(s);
        StringBuilder out = new StringBuilder();
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i += size) out.append(pipe.write(chars, i, Math.min(size, chars.length - i)));
        return out.append(pipe.finish()).toString();
    }

    @Test
    void cleanTextPassesUnchangedWhateverTheChunking() {
        String text = "line one\nline -----BEGIN but not a key\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\nend";
        for (int size : new int[] {1, 2, 5, 13, 64, 4096}) assertEquals(text, run(scrubber(true), text, size), "chunk " + size);
    }

    @Test
    void aValueSplitBetweenReadsIsReplaced() {
        String text = "a=" + VALUE + " b=" + VALUE + "\nno newline then " + VALUE;
        String expected = "a=veil:demo b=veil:demo\nno newline then veil:demo";
        for (int size = 1; size <= text.length(); size++) assertEquals(expected, run(scrubber(false), text, size), "chunk " + size);
    }

    @Test
    void aPrivateKeyBlockIsRedactedWholeWhateverTheChunking() {
        for (String kind : new String[] {"PRIVATE KEY", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}) {
            String text = "before\nkey: " + pem(kind) + "\nafter " + VALUE + "\n";
            for (int size : new int[] {1, 3, 10, 61, 62, 63, 100, 1000, 1 << 16}) {
                String out = run(scrubber(true), text, size);
                assertEquals("before\nkey: [REDACTED:private-key]\nafter veil:demo\n", out, kind + ", chunk " + size);
            }
        }
    }

    @Test
    void anUnterminatedBlockIsRedactedToTheEnd() {
        String text = "x\n-----BEGIN PRIVATE KEY-----\n" + BODY_LINE + body(new Random(3), 5);
        for (int size : new int[] {1, 50, 4096}) {
            String out = run(scrubber(true), text, size);
            assertEquals("x\n[REDACTED:private-key]", out, "chunk " + size);
        }
    }

    @Test
    void twoBlocksAndTextBetween() {
        String text = pem("PRIVATE KEY") + "\nmiddle\n" + pem("EC PRIVATE KEY") + "\n";
        assertEquals("[REDACTED:private-key]\nmiddle\n[REDACTED:private-key]\n", run(scrubber(true), text, 17));
    }

    @Test
    void withoutDetectorsAKeyBlockIsLeftAlone() {
        String text = pem("PRIVATE KEY") + "\n";
        assertEquals(text, run(scrubber(false), text, 9));
    }

    @Test
    void aLargeStreamIsScrubbedThroughReaderAndWriter() throws Exception {
        StringBuilder in = new StringBuilder();
        Random random = new Random(5);
        int values = 0;
        while (in.length() < 8_000_000) {
            in.append("log line ").append(random.nextInt()).append(' ');
            if (random.nextInt(50) == 0) {
                in.append(VALUE);
                values++;
            }
            if (random.nextInt(3) > 0) in.append('\n');
        }
        StringWriter out = new StringWriter();
        new ScrubPipe(scrubber(true)).copy(new StringReader(in.toString()), out);
        String s = out.toString();
        assertFalse(s.contains(VALUE));
        assertTrue(values > 100);
        assertEquals(in.toString().replace(VALUE, "veil:demo"), s);
    }
}
