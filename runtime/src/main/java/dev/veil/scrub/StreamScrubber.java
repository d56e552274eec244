package dev.veil.scrub;

/**
 * Scrubs text that arrives in pieces (a stream's writes), so a value split between two writes is still
 * caught. Each {@link #write} returns the text that is now safe to emit, already scrubbed; the rest is
 * held back until the next write or {@link #flush}.
 *
 * <p>What is held back: the last {@code maxValueLength - 1} chars, so a registered value that starts
 * before that point is entirely visible; if it crosses the point, emission runs to its end, so it is
 * replaced, never cut. Emission stops after the last line break, and text without one is held until
 * its line ends (up to {@link #MAX_LINE} chars), so detectors, which work line by line, see whole lines.
 * Known limit: a private key block printed line by line is redacted only as far as its header line (its
 * body lines look like any base64); {@code veil scrub} holds such blocks whole itself.
 *
 * <p>Not for concurrent use by several threads without their own ordering; methods are synchronized
 * so that interleaved writes at least never corrupt the buffer.
 */
public final class StreamScrubber {
    /** The longest line held back whole; a longer one is emitted in pieces (a detector match may then be cut). */
    public static final int MAX_LINE = 64 * 1024;

    private final Scrubber scrubber;
    private final StringBuilder pending = new StringBuilder();

    public StreamScrubber(Scrubber scrubber) {
        this.scrubber = scrubber;
    }

    /** Adds {@code chunk}; returns the scrubbed text that may be emitted now (possibly empty). */
    public synchronized String write(CharSequence chunk) {
        pending.append(chunk);
        int safe = pending.length() - Math.max(0, scrubber.maxValueLength() - 1);
        if (safe <= 0) {
            return "";
        }
        int cut = -1;
        for (int i = safe - 1; i >= 0; i--) {
            if (pending.charAt(i) == '\n') {
                cut = i + 1;
                break;
            }
        }
        if (cut < 0) {
            // No complete line yet: detectors need whole lines, so hold it, up to a bound on memory.
            if (pending.length() < MAX_LINE) return "";
            cut = safe;
        }
        return emit(scrubber.cutOutsideValues(pending, cut));
    }

    /** Everything held back, scrubbed. */
    public synchronized String flush() {
        return emit(pending.length());
    }

    private String emit(int cut) {
        if (cut == 0) {
            return "";
        }
        String out = scrubber.scrub(pending.substring(0, cut));
        pending.delete(0, cut);
        return out;
    }
}
