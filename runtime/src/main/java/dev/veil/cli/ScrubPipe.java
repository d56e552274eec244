package dev.veil.cli;

import dev.veil.scrub.Scrubber;
import dev.veil.scrub.StreamScrubber;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs a character stream in bounded memory: a {@link StreamScrubber} (values split between reads are
 * still caught), plus one thing it cannot do: a private key block spans lines, and the stream scrubber
 * hands detectors one line at a time, so the block's body lines would pass as ordinary base64. Here a
 * block is held from its {@code -----BEGIN ... PRIVATE KEY-----} marker to its END marker and scrubbed
 * as one piece. A block still open at the end of input, or longer than {@link #MAX_BLOCK} chars (far
 * beyond any real key), is scrubbed as it is: the private-key detector then redacts from the marker to
 * the end of what was held. Not thread-safe.
 */
final class ScrubPipe {
    static final int MAX_BLOCK = 1 << 20;
    // The same marker shapes the built-in private-key detector matches.
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----");
    private static final Pattern END = Pattern.compile("-----END[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----");
    /** Longest possible marker: text this close to the end is held until more arrives. */
    private static final int MARKER = 10 + 30 + "PRIVATE KEY BLOCK-----".length();

    private final Scrubber scrubber;
    private final StreamScrubber stream;
    /** Text not yet passed on: a possible marker start, or a private key block in progress. */
    private final StringBuilder held = new StringBuilder();
    private boolean inBlock;
    /** Where to resume looking for the END marker in {@link #held}. */
    private int endSearchFrom;

    ScrubPipe(Scrubber scrubber) {
        this.scrubber = scrubber;
        this.stream = new StreamScrubber(scrubber);
    }

    /** Copies {@code in} to {@code out} scrubbed, then flushes {@code out}. */
    void copy(Reader in, Writer out) throws IOException {
        char[] buf = new char[16 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(write(buf, 0, n));
        }
        out.write(finish());
        out.flush();
    }

    /** Adds {@code len} chars; returns the scrubbed text that may be emitted now. */
    String write(char[] chars, int off, int len) {
        held.append(chars, off, len);
        StringBuilder out = new StringBuilder();
        boolean progress = true;
        while (progress) {
            progress = inBlock ? closeBlock(out) : openBlock(out);
        }
        return out.toString();
    }

    /** Everything still held, scrubbed. */
    String finish() {
        String rest = inBlock ? scrubber.scrub(held.toString()) : held.toString();
        held.setLength(0);
        inBlock = false;
        return stream.write(rest) + stream.flush();
    }

    /** Outside a block: pass on text up to a BEGIN marker (then enter the block) or up to a possible partial marker. */
    private boolean openBlock(StringBuilder out) {
        Matcher m = BEGIN.matcher(held);
        int marker = held.indexOf("-----BEGIN");
        if (marker >= 0 && m.find(marker)) {
            out.append(stream.write(held.substring(0, m.start())));
            held.delete(0, m.start());
            inBlock = true;
            endSearchFrom = m.end() - m.start();
            return true;
        }
        int keep = Math.min(held.length(), MARKER - 1);
        out.append(stream.write(held.substring(0, held.length() - keep)));
        held.delete(0, held.length() - keep);
        return false;
    }

    /** Inside a block: once its END marker (or the size bound) is reached, scrub the block as one piece. */
    private boolean closeBlock(StringBuilder out) {
        Matcher m = END.matcher(held);
        int end;
        if (m.find(endSearchFrom)) {
            end = m.end();
        } else if (held.length() >= MAX_BLOCK) {
            end = held.length();
        } else {
            endSearchFrom = Math.max(endSearchFrom, held.length() - (MARKER - 1));
            return false;
        }
        out.append(stream.write(scrubber.scrub(held.substring(0, end))));
        held.delete(0, end);
        inBlock = false;
        return true;
    }
}
