package dev.veil.jmh;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What swapping a placeholder in adds to a loopback request, measured inside one JVM that runs the agent: each
 * operation sends, with one client, a request carrying the real key and one carrying {@code veil:bench}, in turn
 * first, each to a server of its own, and times both. Forks of one configuration differ by 10-30% on a shared VM,
 * far more than the cost sought; in one fork both kinds of request share the JIT's state and the machine's
 * moods. The real-key request passes Veil's checks too (the egress check for known values), so the difference
 * is the injection: policy, the cached value, the swap and the audit record. {@link AgentOverhead} runs it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InjectionCost {
    private final HttpRoundTrip real = new HttpRoundTrip();
    private final HttpRoundTrip placeholder = new HttpRoundTrip();
    private boolean placeholderFirst;

    /** Nanoseconds spent in each kind of request, and pairs sent, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Nanos {
        public long realNanos;
        public long placeholderNanos;
        public long pairs;

        @Setup(Level.Iteration)
        public void reset() {
            realNanos = 0;
            placeholderNanos = 0;
            pairs = 0;
        }
    }

    private interface Request {
        Object send(HttpRoundTrip roundTrip) throws Exception;
    }

    @Setup
    public void setUp() throws Exception {
        real.auth = "real";
        real.setUp();
        placeholder.auth = "placeholder";
        placeholder.setUp();
    }

    @TearDown
    public void tearDown() throws IOException {
        real.tearDown();
        placeholder.tearDown();
    }

    @Benchmark
    public void jdkHttpClient(Nanos nanos) throws Exception {
        pair(nanos, HttpRoundTrip::jdkHttpClient);
    }

    @Benchmark
    public void okhttp(Nanos nanos) throws Exception {
        pair(nanos, HttpRoundTrip::okhttp);
    }

    @Benchmark
    public void apache5(Nanos nanos) throws Exception {
        pair(nanos, HttpRoundTrip::apache5);
    }

    private void pair(Nanos nanos, Request request) throws Exception {
        placeholderFirst = !placeholderFirst;
        HttpRoundTrip first = placeholderFirst ? placeholder : real;
        HttpRoundTrip second = placeholderFirst ? real : placeholder;
        long start = System.nanoTime();
        request.send(first);
        long middle = System.nanoTime();
        request.send(second);
        long end = System.nanoTime();
        nanos.placeholderNanos += placeholderFirst ? middle - start : end - middle;
        nanos.realNanos += placeholderFirst ? end - middle : middle - start;
        nanos.pairs++;
    }
}
