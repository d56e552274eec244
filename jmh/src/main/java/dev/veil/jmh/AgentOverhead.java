package dev.veil.jmh;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code java -Dveil.agent.jar=... -cp benchmarks.jar dev.veil.jmh.AgentOverhead}: runs {@link HttpRoundTrip}
 * in forks without the agent (no credential; the real key) and with it (no credential; the placeholder
 * swapped in), then the start-up measurement, and prints the ratios. The fork JVM options cannot come from
 * {@code @Fork} annotations, which take only constants, because the agent jar path and the generated rules
 * are known at run time. Iterations: {@code -Dveil.bench.warmup} (10: with the agent a loopback OkHttp call is
 * still getting faster after 6 s, without it not), {@code -Dveil.bench.iterations} (5),
 * {@code -Dveil.bench.seconds} (2) per iteration.
 */
public final class AgentOverhead {
    private AgentOverhead() {}

    public static void main(String[] args) throws Exception {
        BenchSetup setup = BenchSetup.create();
        String realKey = "-Dveil.bench.realkey=" + setup.realKeyFile;
        Map<String, Result<?>> without = run(HttpRoundTrip.class, "auth", new String[] {"none", "real"}, realKey);
        Map<String, Result<?>> with = run(HttpRoundTrip.class, "auth", new String[] {"none", "placeholder"}, realKey, setup.agentOption());

        System.out.println();
        System.out.println("Loopback GET round trip, us/op (lower is better); ratio = with agent / without");
        System.out.printf("%-14s %14s %14s %8s %16s %18s %8s%n", "client", "no agent", "agent", "ratio",
                "no agent, key", "agent, veil:bench", "ratio");
        for (String client : new String[] {"jdkHttpClient", "okhttp", "apache5"}) {
            Result<?> a = without.get(client + "/none");
            Result<?> b = with.get(client + "/none");
            Result<?> c = without.get(client + "/real");
            Result<?> d = with.get(client + "/placeholder");
            System.out.printf("%-14s %14s %14s %8.3f %16s %18s %8.3f%n", client, fmt(a), fmt(b), b.getScore() / a.getScore(),
                    fmt(c), fmt(d), d.getScore() / c.getScore());
        }
        System.out.println();
        System.out.println(StartupOverhead.measure(setup));
    }

    /** Every benchmark of {@code benchmark} for each value of {@code param}, in one fork: results by {@code method/value}. */
    static Map<String, Result<?>> run(Class<?> benchmark, String param, String[] values, String... jvmArgs) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .param(param, values)
                .forks(1)
                .warmupIterations(Integer.getInteger("veil.bench.warmup", 10))
                .measurementIterations(Integer.getInteger("veil.bench.iterations", 5))
                .warmupTime(iterationTime())
                .measurementTime(iterationTime())
                .jvmArgsAppend(jvmArgs)
                .build()).run();
        Map<String, Result<?>> out = new HashMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            out.put(method + "/" + r.getParams().getParam(param), r.getPrimaryResult());
        }
        return out;
    }

    /** {@code -Dveil.bench.seconds} per iteration (2), or {@code -Dveil.bench.millis} for the build's smoke run. */
    static TimeValue iterationTime() {
        return TimeValue.milliseconds(Long.getLong("veil.bench.millis", 1000L * Integer.getInteger("veil.bench.seconds", 2)));
    }

    static String fmt(Result<?> r) {
        return String.format("%.1f ± %.1f", r.getScore(), r.getScoreError());
    }
}
