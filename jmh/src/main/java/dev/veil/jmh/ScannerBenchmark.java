package dev.veil.jmh;

import dev.veil.inject.PlaceholderScanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placeholder scanning of outgoing text (256 lines, about 30 KB, per operation) with 10, 1,000 and
 * 10,000 configured placeholders, against a java.util.regex alternation of the same placeholders plus
 * the generic {@code veil:} name. Bytes/s come from the shared {@link ScrubberBenchmark.Bytes} counter.
 * "dirty": every line holds one configured placeholder, which is substituted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScannerBenchmark {
    @Param({"10", "1000", "10000"})
    public int values;

    @Param({"clean", "dirty"})
    public String text;

    private List<String> lines;
    private long batchBytes;
    private PlaceholderScanner scanner;
    private Pattern alternation;
    private Function<String, CharSequence> lookup;

    @Setup
    public void setUp() {
        List<String> placeholders = new ArrayList<>();
        Map<String, String> valueOf = new HashMap<>();
        List<String> secretValues = LogLines.values(values, 3);
        for (int i = 0; i < values; i++) {
            placeholders.add("veil:cred-" + i);
            valueOf.put("veil:cred-" + i, secretValues.get(i));
        }
        lookup = valueOf::get;
        scanner = new PlaceholderScanner(placeholders);
        alternation = Pattern.compile(placeholders.stream().map(Pattern::quote).collect(Collectors.joining("|"))
                + "|veil:[A-Za-z0-9._-]+");
        List<String> clean = LogLines.clean(256, 4);
        lines = text.equals("clean") ? clean
                : LogLines.withInserted(clean, i -> "veil:cred-" + ((i * 7919) % values));
        batchBytes = LogLines.totalBytes(lines);
    }

    @Benchmark
    public long veilMayContain(ScrubberBenchmark.Bytes b) {
        long n = 0;
        for (String l : lines) {
            n += scanner.mayContain(l) ? 1 : 0;
        }
        b.bytes += batchBytes;
        return n;
    }

    @Benchmark
    public long veilSubstitute(ScrubberBenchmark.Bytes b) {
        long n = 0;
        for (String l : lines) {
            n += scanner.substitute(l, lookup).length();
        }
        b.bytes += batchBytes;
        return n;
    }

    @Benchmark
    public long regexAlternation(ScrubberBenchmark.Bytes b) {
        long n = 0;
        for (String l : lines) {
            n += alternation.matcher(l).replaceAll(m -> {
                CharSequence v = lookup.apply(m.group());
                return v == null ? m.group() : v.toString();
            }).length();
        }
        b.bytes += batchBytes;
        return n;
    }
}
