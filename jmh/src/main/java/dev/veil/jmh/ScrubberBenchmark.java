package dev.veil.jmh;

import dev.veil.rules.ScrubSettings;
import dev.veil.scrub.Scrubber;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Scrubber throughput on 256 log lines (about 30 KB) per operation, against a java.util.regex
 * alternation of the same raw values. The "bytes" secondary result is the throughput in bytes/s.
 * "dirty": every line holds one registered value. The regex looks for raw values only; the scrubber
 * also looks for every encoding of each value (about 20 forms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScrubberBenchmark {
    @Param({"10", "1000", "10000"})
    public int values;

    @Param({"clean", "dirty"})
    public String text;

    private List<String> lines;
    private long batchBytes;
    private Scrubber valuesOnly;
    private Scrubber withDetectors;
    private Pattern alternation;

    /** Counts bytes processed so JMH reports bytes/s next to ops/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<String> secretValues = LogLines.values(values, 1);
        Map<String, char[]> byPlaceholder = new LinkedHashMap<>();
        for (int i = 0; i < secretValues.size(); i++) {
            byPlaceholder.put("veil:cred-" + i, secretValues.get(i).toCharArray());
        }
        valuesOnly = new Scrubber();
        valuesOnly.registerAll(byPlaceholder);
        withDetectors = new Scrubber(new ScrubSettings(true, List.of()));
        withDetectors.registerAll(byPlaceholder);
        alternation = Pattern.compile(secretValues.stream().map(Pattern::quote).collect(Collectors.joining("|")));
        List<String> clean = LogLines.clean(256, 2);
        lines = text.equals("clean") ? clean
                : LogLines.withInserted(clean, i -> secretValues.get((i * 7919) % secretValues.size()));
        batchBytes = LogLines.totalBytes(lines);
    }

    @Benchmark
    public long veilValues(Bytes b) {
        long n = 0;
        for (String l : lines) {
            n += valuesOnly.scrub(l).length();
        }
        b.bytes += batchBytes;
        return n;
    }

    @Benchmark
    public long veilValuesAndDetectors(Bytes b) {
        long n = 0;
        for (String l : lines) {
            n += withDetectors.scrub(l).length();
        }
        b.bytes += batchBytes;
        return n;
    }

    @Benchmark
    public long regexAlternation(Bytes b) {
        long n = 0;
        for (String l : lines) {
            n += alternation.matcher(l).replaceAll("veil:x").length();
        }
        b.bytes += batchBytes;
        return n;
    }
}
