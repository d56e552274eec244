package dev.veil.scrub;

import java.util.Arrays;

/**
 * {@link StreamScrubber} for bytes (UTF-8 text arriving in chunks, such as an HTTP response body):
 * holds back only a tail that could be the start of a registered value split between two chunks, so
 * large bodies are not buffered and streamed events (SSE) are not delayed. Not thread-safe: one per stream.
 */
public final class ByteStreamScrubber {
    private static final byte[] NONE = new byte[0];

    private final Scrubber scrubber;
    private byte[] pending = new byte[256];
    private int length;

    public ByteStreamScrubber(Scrubber scrubber) {
        this.scrubber = scrubber;
    }

    /** Adds {@code b[off, off+len)}; returns the scrubbed bytes that may be passed on now (possibly none). */
    public byte[] write(byte[] b, int off, int len) {
        if (length + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + len));
        }
        System.arraycopy(b, off, pending, length, len);
        length += len;
        int hold = scrubber.valueHoldBack(pending, 0, length);
        return hold == 0 ? NONE : emit(scrubber.cutOutsideValues(pending, length, hold));
    }

    /** Everything held back, scrubbed: call once at the end of the stream. */
    public byte[] flush() {
        return emit(length);
    }

    private byte[] emit(int cut) {
        if (cut == 0) {
            return NONE;
        }
        byte[] scrubbed = scrubber.scrub(pending, 0, cut);
        byte[] out = scrubbed == pending ? Arrays.copyOf(pending, cut) : scrubbed;
        System.arraycopy(pending, cut, pending, 0, length - cut);
        Arrays.fill(pending, length - cut, length, (byte) 0);
        length -= cut;
        return out;
    }
}
