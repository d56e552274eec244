package dev.veil.jmh;

import dev.veil.rules.ScrubSettings;
import dev.veil.scrub.Scrubber;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the scrub pass costs per clean log line, in the three shapes the logging hooks hand it: a String
 * (exception messages, JUL), a StringBuilder scrubbed in place (Log4j2) and UTF-8 bytes (Logback). With the
 * built-in detectors and 0 or 10 registered values, as the agent runs; the lines are 100-150 chars.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class LogLineScrub {
    private static final int LINES = 256;

    @Param({"0", "10"})
    public int values;

    /** "mixed": one line in five holds a URL (a detector keyword, so its regex runs); "plain": none does. */
    @Param({"mixed", "plain"})
    public String lines;

    private Scrubber scrubber;
    private String[] strings;
    private byte[][] bytes;
    private final StringBuilder builder = new StringBuilder(256);

    @Setup
    public void setUp() {
        scrubber = new Scrubber(new ScrubSettings(true, List.of()));
        Map<String, char[]> byPlaceholder = new LinkedHashMap<>();
        List<String> secrets = LogLines.values(values, 1);
        for (int i = 0; i < secrets.size(); i++) {
            byPlaceholder.put("veil:cred-" + i, secrets.get(i).toCharArray());
        }
        scrubber.registerAll(byPlaceholder);
        List<String> clean = LogLines.clean(LINES * 2, 2);
        if (lines.equals("plain")) clean.removeIf(l -> l.contains("://"));
        strings = clean.subList(0, LINES).toArray(new String[0]);
        bytes = new byte[LINES][];
        for (int i = 0; i < LINES; i++) {
            bytes[i] = (strings[i] + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public int string() {
        int n = 0;
        for (String s : strings) {
            n += scrubber.scrub(s).length();
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public int builder() {
        int n = 0;
        for (String s : strings) {
            builder.setLength(0);
            builder.append(s);
            scrubber.scrub(builder);
            n += builder.length();
        }
        return n;
    }

    /** What {@link #builder} spends outside the scrubber. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public int builderFillOnly() {
        int n = 0;
        for (String s : strings) {
            builder.setLength(0);
            builder.append(s);
            n += builder.length();
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public int utf8() {
        int n = 0;
        for (byte[] b : bytes) {
            n += scrubber.scrub(b, 0, b.length).length;
        }
        return n;
    }
}
