package dev.veil.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads UTF-8 lines and tells whether the last one ended with a newline (a cut write does not). */
final class LineReader implements Closeable {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private boolean terminated;
    private long number;

    LineReader(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** The next line without its newline, or null at the end. */
    String next() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                terminated = true;
                number++;
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        if (line.size() == 0) return null;
        terminated = false;
        number++;
        return line.toString(StandardCharsets.UTF_8);
    }

    /** Whether the line last returned ended with a newline. */
    boolean terminated() { return terminated; }
    /** 1-based number of the line last returned. */
    long number() { return number; }

    @Override public void close() throws IOException { in.close(); }
}
