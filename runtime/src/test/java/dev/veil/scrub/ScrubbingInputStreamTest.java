package dev.veil.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrubbingInputStreamTest {
    private static final String VALUE = "rk-live-5c0f7e2a9b1d48c6a3e0";
    private static final String BODY = "{\"echo\":\"" + VALUE + "\",\"n\":1}\n";

    private static Scrubber scrubber() {
        Scrubber s = new Scrubber();
        assertTrue(s.register("veil:t", VALUE.toCharArray()));
        return s;
    }

    /** A body that arrives a few bytes at a time, so the value is split across reads. */
    private static InputStream trickle(String text, int step) {
        return new FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    @Test
    void valueSplitAcrossReadsIsReplaced() throws IOException {
        for (int step = 1; step <= BODY.length(); step += 3) {
            String out = new String(new ScrubbingInputStream(trickle(BODY, step), scrubber()).readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("{\"echo\":\"veil:t\",\"n\":1}\n", out, "reads of " + step);
        }
    }

    @Test
    void singleByteReadsGiveTheSameText() throws IOException {
        ScrubbingInputStream in = new ScrubbingInputStream(trickle(BODY, 7), scrubber());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0; c = in.read()) out.write(c);
        assertEquals("{\"echo\":\"veil:t\",\"n\":1}\n", out.toString(StandardCharsets.UTF_8));
    }

    /** The raw bytes are read into the caller's buffer: no piece of the value may stay there, not even past the count returned. */
    @Test
    void callersBufferNeverKeepsRawBytes() throws IOException {
        for (int step = 4; step <= 20; step++) {
            ScrubbingInputStream in = new ScrubbingInputStream(trickle(BODY, step), scrubber());
            byte[] buffer = new byte[64];
            for (int n = in.read(buffer, 0, buffer.length); n >= 0; n = in.read(buffer, 0, buffer.length)) {
                String held = new String(buffer, StandardCharsets.ISO_8859_1);
                for (int i = 0; i + 4 <= VALUE.length(); i++) {
                    assertFalse(held.contains(VALUE.substring(i, i + 4)), "reads of " + step + ": raw bytes left in the buffer");
                }
            }
        }
    }

    /** A connection that breaks in the middle of the value: the part already read is not left in the caller's buffer. */
    @Test
    void failedReadLeavesNoRawBytes() {
        InputStream breaking = new InputStream() {
            private final byte[] head = VALUE.substring(0, 12).getBytes(StandardCharsets.UTF_8);
            private boolean sent;

            @Override
            public int read() { throw new UnsupportedOperationException(); }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent) throw new IOException("connection reset");
                sent = true;
                System.arraycopy(head, 0, b, off, head.length);
                return head.length;
            }
        };
        ScrubbingInputStream in = new ScrubbingInputStream(breaking, scrubber());
        byte[] buffer = new byte[64];
        IOException e = assertThrows(IOException.class, () -> {
            for (int n = 0; n >= 0; n = in.read(buffer, 0, buffer.length)) {
                assertFalse(new String(buffer, StandardCharsets.ISO_8859_1).contains(VALUE.substring(0, 12)));
            }
        });
        assertEquals("connection reset", e.getMessage());
        assertFalse(new String(buffer, StandardCharsets.ISO_8859_1).contains(VALUE.substring(0, 4)), "raw bytes left after the failure");
    }
}
