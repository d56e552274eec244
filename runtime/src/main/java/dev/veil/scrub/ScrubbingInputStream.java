package dev.veil.scrub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** An input stream whose bytes pass through a {@link ByteStreamScrubber}: what the application reads of a response body. */
public final class ScrubbingInputStream extends FilterInputStream {
    private final ByteStreamScrubber scrubber;
    private byte[] ready = new byte[0];
    private byte[] one;
    private int readyAt;
    private boolean eof;

    public ScrubbingInputStream(InputStream in, Scrubber scrubber) {
        super(in);
        this.scrubber = new ByteStreamScrubber(scrubber);
    }

    @Override
    public int read() throws IOException {
        if (one == null) one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        int raw = 0;
        try {
            while (readyAt == ready.length) {
                if (eof) {
                    Arrays.fill(b, off, off + raw, (byte) 0);
                    return -1;
                }
                // Read straight into the caller's buffer (no buffer of our own per response); the raw bytes are
                // overwritten below, those beyond what is returned with zeros, and all of them if reading fails.
                int n = in.read(b, off, len);
                if (n < 0) {
                    eof = true;
                    ready = scrubber.flush();
                } else {
                    raw = Math.max(raw, n);
                    ready = scrubber.write(b, off, n);
                }
                readyAt = 0;
            }
        } catch (IOException | RuntimeException e) {
            Arrays.fill(b, off, off + raw, (byte) 0);
            throw e;
        }
        int n = Math.min(len, ready.length - readyAt);
        System.arraycopy(ready, readyAt, b, off, n);
        if (raw > n) Arrays.fill(b, off + n, off + raw, (byte) 0);
        readyAt += n;
        return n;
    }

    @Override
    public int available() {
        return ready.length - readyAt;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] sink = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
            if (r < 0) break;
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
