package dev.veil.scrub;

import java.util.Arrays;

/**
 * A per-thread char buffer that text is copied into before scanning: {@code String.getChars} is a fast
 * bulk copy, and scanning an array avoids a bounds-checked virtual {@code charAt} per char.
 * Texts longer than {@value #KEEP} chars get a temporary array instead, so a thread keeps at most
 * {@value #KEEP} chars. Text that matched something may hold a secret: {@link #release} wipes it.
 *
 * <p>The buffer of the thread that scrubbed last is found without a thread-local lookup: a logging
 * thread scrubs event after event.
 */
final class Chars {
    private static final int KEEP = 1 << 16;

    /** A thread's buffer; {@code chars} is read and replaced by that thread only. */
    private static final class Buffer {
        final Thread owner = Thread.currentThread();
        char[] chars = new char[1024];
    }

    private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);
    /** The last thread's buffer: other threads only compare its (final) owner with themselves. */
    private static Buffer last = BUFFER.get();

    private Chars() {}

    /** A buffer holding {@code text} in {@code [0, text.length())}. */
    static char[] of(CharSequence text) {
        int n = text.length();
        char[] buf;
        if (n <= KEEP) {
            Buffer own = last;
            if (own.owner != Thread.currentThread()) {
                own = BUFFER.get();
                last = own;
            }
            buf = own.chars;
            if (buf.length < n) {
                buf = new char[Math.min(KEEP, Math.max(n, buf.length * 2))];
                own.chars = buf;
            }
        } else {
            buf = new char[n];
        }
        if (text instanceof String) {
            ((String) text).getChars(0, n, buf, 0);
        } else if (text instanceof StringBuilder) {
            ((StringBuilder) text).getChars(0, n, buf, 0);
        } else {
            for (int i = 0; i < n; i++) {
                buf[i] = text.charAt(i);
            }
        }
        return buf;
    }

    /** Done with {@code buf}; wipe its first {@code n} chars if they may hold a secret. */
    static void release(char[] buf, int n, boolean wipe) {
        if (wipe) {
            Arrays.fill(buf, 0, n, '\0');
        }
    }
}
