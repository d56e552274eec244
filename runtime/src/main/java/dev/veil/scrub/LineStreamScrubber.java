package dev.veil.scrub;

import java.util.Arrays;

/**
 * Scrubs UTF-8 text written in pieces to a line-oriented sink (stdout, stderr): values and detectors.
 * Complete lines are emitted at once, scrubbed whole, so detectors (which work line by line) and values
 * split between two writes are both caught. The unfinished last line is held back until its line break;
 * an explicit {@link #flush} (and a line longer than {@value #MAX_LINE} bytes) lets it out except for a
 * tail that could be the start of a registered value, so a registered value split between two flushed
 * writes ({@code System.out.print} flushes every call) is still replaced; so is a tail where a detector match
 * may still be forming (a key printed in two writes, see {@link Detectors#openMatchStart}). {@link #drain}
 * (at exit) lets everything out.
 *
 * <p>Thread-safe: writers of one sink share one instance, and its state stays consistent under them.
 */
public final class LineStreamScrubber {
    static final int MAX_LINE = 16384;
    private static final byte[] NONE = new byte[0];

    private final Scrubber scrubber;
    private byte[] pending = NONE;
    private int length;

    public LineStreamScrubber(Scrubber scrubber) {
        this.scrubber = scrubber;
    }

    /**
     * Adds {@code b[off, off+len)} (the caller checked the bounds). Returns the scrubbed bytes to pass on
     * now (possibly none), or {@code null} when they are exactly {@code b[off, off+len)} and may be passed on
     * as they are (a clean, complete write: no copy).
     */
    public synchronized byte[] write(byte[] b, int off, int len) {
        if (length == 0 && len > 0 && b[off + len - 1] == '\n') {
            byte[] out = scrubber.scrub(b, off, len);
            return out == b ? null : out;
        }
        if (length + len > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(Math.max(256, pending.length * 2), length + len));
        }
        System.arraycopy(b, off, pending, length, len);
        length += len;
        int cut = length;
        while (cut > 0 && pending[cut - 1] != '\n') cut--;
        return emit(length - cut > MAX_LINE ? outsideValueStart(cut) : cut);
    }

    /**
     * What an explicit flush lets out, scrubbed (possibly none): all but a possible registered value's start
     * and a detector match that may still be forming in the unfinished line.
     */
    public synchronized byte[] flush() {
        int line = length;
        while (line > 0 && pending[line - 1] != '\n') line--;
        int hold = Math.min(scrubber.valueHoldBack(pending, 0, length), scrubber.detectorHoldBack(pending, line, length));
        return emit(scrubber.cutOutsideValues(pending, length, hold));
    }

    /** Everything held back, scrubbed (possibly none). */
    public synchronized byte[] drain() {
        return emit(length);
    }

    private int outsideValueStart(int from) {
        return scrubber.cutOutsideValues(pending, length, scrubber.valueHoldBack(pending, from, length));
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
