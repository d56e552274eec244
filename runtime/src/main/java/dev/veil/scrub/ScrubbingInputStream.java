package dev.veil.scrub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An input stream whose bytes pass through a {@link ByteStreamScrubber}: what the application reads of a response body. */
public final class ScrubbingInputStream extends FilterInputStream {
    private final ByteStreamScrubber scrubber;
    private final byte[] chunk = new byte[8192];
    private byte[] ready = new byte[0];
    private int readyAt;
    private boolean eof;

    public ScrubbingInputStream(InputStream in, Scrubber scrubber) {
        super(in);
        this.scrubber = new ByteStreamScrubber(scrubber);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (readyAt == ready.length) {
            if (eof) return -1;
            int n = in.read(chunk, 0, chunk.length);
            if (n < 0) {
                eof = true;
                ready = scrubber.flush();
            } else {
                ready = scrubber.write(chunk, 0, n);
            }
            readyAt = 0;
        }
        int n = Math.min(len, ready.length - readyAt);
        System.arraycopy(ready, readyAt, b, off, n);
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
