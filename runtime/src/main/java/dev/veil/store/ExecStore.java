package dev.veil.store;

import dev.veil.rules.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@code type: exec}: runs {@code command} (argv, no shell; {@code {ref}} substituted in every
 * element) with stdin closed. Its stdout, minus one trailing newline, is the value. A non-zero
 * exit or a timeout is an error naming the store, the reference and the exit code or timeout,
 * with the start of stderr passed through the scrubber; stdout never appears in any message.
 * On timeout the process and its descendants are killed.
 */
final class ExecStore implements SecretStore {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_STDOUT = 1024 * 1024;
    private static final int MAX_STDERR = 8 * 1024;
    private static final int STDERR_SHOWN = 200;

    private final String name;
    private final List<String> command;
    private final Duration timeout;
    private final Supplier<UnaryOperator<String>> scrubber;

    ExecStore(String name, List<String> command, Duration timeout, Supplier<UnaryOperator<String>> scrubber) {
        this.name = name;
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.scrubber = scrubber;
    }

    @Override public char[] fetch(String ref) throws StoreException {
        List<String> argv = new ArrayList<>(command.size());
        for (String arg : command) argv.add(arg.replace("{ref}", ref));
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw failure(ref, "cannot be run: " + e.getMessage());
        }
        Drain out = Drain.start(process.getInputStream(), MAX_STDOUT, "veil-exec-stdout");
        Drain err = Drain.start(process.getErrorStream(), MAX_STDERR, "veil-exec-stderr");
        try {
            closeStdin(process);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (exited) {
                out.join(millisLeft(deadline));
                err.join(millisLeft(deadline));
            }
            if (!exited || out.isAlive()) {
                killTree(process);
                throw failure(ref, "timed out after " + Durations.format(timeout) + " and was killed" + stderr(err));
            }
            int code = process.exitValue();
            if (code != 0) throw failure(ref, "exited with code " + code + stderr(err));
            if (out.overflowed()) throw failure(ref, "printed more than " + MAX_STDOUT + " bytes");
            return value(ref, out);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw failure(ref, "was interrupted");
        } finally {
            out.zero();
        }
    }

    private static void closeStdin(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The command already exited or closed its stdin: nothing to tell it either way.
        }
    }

    private static long millisLeft(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())); // join(0) would wait forever
    }

    private static void killTree(Process process) {
        List<ProcessHandle> descendants = new ArrayList<>();
        process.descendants().forEach(descendants::add); // before the parent dies and they are re-parented
        process.destroyForcibly();
        for (ProcessHandle h : descendants) h.destroyForcibly();
    }

    private char[] value(String ref, Drain out) throws StoreException {
        byte[] b = out.bytes();
        int len = out.length();
        if (len > 0 && b[len - 1] == '\n') {
            len--;
            if (len > 0 && b[len - 1] == '\r') len--;
        }
        if (len == 0) throw failure(ref, "printed nothing");
        try {
            return Utf8.decode(b, 0, len);
        } catch (CharacterCodingException e) {
            throw failure(ref, "printed something that is not UTF-8 text");
        }
    }

    /** The start of stderr, scrubbed before it is cut so that a cut cannot hide a value from the scrubber. */
    private String stderr(Drain err) {
        String text = new String(err.bytes(), 0, err.length(), StandardCharsets.UTF_8);
        String scrubbed;
        try {
            scrubbed = scrubber.get().apply(text);
        } catch (RuntimeException e) {
            return "; stderr withheld (the scrubber failed)";
        }
        scrubbed = scrubbed.replaceAll("\\p{Cntrl}+", " ").strip();
        if (scrubbed.isEmpty()) return "";
        if (scrubbed.codePointCount(0, scrubbed.length()) > STDERR_SHOWN) {
            scrubbed = scrubbed.substring(0, scrubbed.offsetByCodePoints(0, STDERR_SHOWN)) + "...";
        }
        return "; stderr: " + scrubbed;
    }

    private StoreException failure(String ref, String what) {
        return new StoreException("store '" + name + "': command " + command.get(0) + " for '" + ref + "' " + what);
    }

    @Override public String toString() { return "store " + name + " (exec " + command.get(0) + ")"; }

    /** Reads one stream to its end on a daemon thread, keeping at most {@code max} bytes. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final int max;
        private byte[] buf = new byte[256];
        private int length;
        private boolean overflowed;

        private Drain(InputStream in, int max, String threadName) {
            super(threadName);
            this.in = in;
            this.max = max;
            setDaemon(true);
        }

        static Drain start(InputStream in, int max, String threadName) {
            Drain d = new Drain(in, max, threadName);
            d.start();
            return d;
        }

        @Override public void run() {
            byte[] chunk = new byte[8192];
            try (InputStream s = in) {
                int n;
                while ((n = s.read(chunk)) != -1) append(chunk, n);
            } catch (IOException e) {
                // The process was killed or closed the stream; what was read so far is all there is.
            } finally {
                Arrays.fill(chunk, (byte) 0);
            }
        }

        private synchronized void append(byte[] chunk, int n) {
            int room = max - length;
            if (n > room) overflowed = true;
            int take = Math.min(n, room);
            if (length + take > buf.length) {
                byte[] bigger = Arrays.copyOf(buf, Math.min(max, Math.max(buf.length * 2, length + take)));
                Arrays.fill(buf, (byte) 0);
                buf = bigger;
            }
            System.arraycopy(chunk, 0, buf, length, take);
            length += take;
        }

        synchronized byte[] bytes() { return buf; }
        synchronized int length() { return length; }
        synchronized boolean overflowed() { return overflowed; }

        synchronized void zero() {
            Arrays.fill(buf, (byte) 0);
            length = 0;
        }
    }
}
