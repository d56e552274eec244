package dev.veil.jmh;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code java -Dveil.agent.jar=... -cp benchmarks.jar dev.veil.jmh.AgentOverhead}: runs {@link HttpRoundTrip}
 * in forks without the agent (no credential; the real key) and with it (no credential; the placeholder
 * swapped in), then {@link InjectionCost} and the start-up measurement, and prints the ratios. The fork JVM
 * options cannot come from {@code @Fork} annotations, which take only constants, because the agent jar path and
 * the generated rules are known at run time. Iterations: {@code -Dveil.bench.warmup} (10: with the agent a loopback OkHttp call is
 * still getting faster after 6 s, without it not), {@code -Dveil.bench.iterations} (5),
 * {@code -Dveil.bench.seconds} (2) per iteration; {@code -Dveil.bench.rounds} (1), see {@link #compare}.
 */
public final class AgentOverhead {
    private AgentOverhead() {}

    public static void main(String[] args) throws Exception {
        BenchSetup setup = BenchSetup.create();
        String realKey = "-Dveil.bench.realkey=" + setup.realKeyFile;
        compare(HttpRoundTrip.class, "auth", new String[] {"none", "real"}, new String[] {"none", "placeholder"},
                setup.agentOption(), (without, with) -> {
                    System.out.println("Loopback GET round trip, us/op (lower is better); ratio = with agent / without");
                    System.out.printf("%-14s %14s %14s %8s %16s %18s %8s%n", "client", "no agent", "agent", "ratio",
                            "no agent, key", "agent, veil:bench", "ratio");
                    Map<String, Double> ratios = new LinkedHashMap<>();
                    for (String client : new String[] {"jdkHttpClient", "okhttp", "apache5"}) {
                        Result<?> a = without.get(client + "/none");
                        Result<?> b = with.get(client + "/none");
                        Result<?> c = without.get(client + "/real");
                        Result<?> d = with.get(client + "/placeholder");
                        ratios.put(client + ", no placeholder", b.getScore() / a.getScore());
                        ratios.put(client + ", veil:bench injected", d.getScore() / c.getScore());
                        System.out.printf("%-14s %14s %14s %8.3f %16s %18s %8.3f%n", client, fmt(a), fmt(b), b.getScore() / a.getScore(),
                                fmt(c), fmt(d), d.getScore() / c.getScore());
                    }
                    return ratios;
                }, realKey);
        injectionCost(setup.agentOption(), realKey);
        System.out.println();
        System.out.println(StartupOverhead.measure(setup));
    }

    /** {@link InjectionCost} in one fork with the agent: per client, a request with veil:bench against one with the real key. */
    private static void injectionCost(String... jvmArgs) throws Exception {
        Collection<RunResult> results = new Runner(options(InjectionCost.class, jvmArgs).build()).run();
        System.out.println();
        System.out.println("In one JVM with the agent, alternating, us per request: real key, veil:bench injected, ratio");
        for (RunResult r : results) {
            Map<String, Result> counters = r.getSecondaryResults();
            double pairs = counters.get("pairs").getScore();
            double real = counters.get("realNanos").getScore() / pairs / 1000;
            double injected = counters.get("placeholderNanos").getScore() / pairs / 1000;
            String benchmark = r.getParams().getBenchmark();
            System.out.printf("%-14s %10.1f %10.1f %8.3f%n", benchmark.substring(benchmark.lastIndexOf('.') + 1), real, injected, injected / real);
        }
    }

    /** Prints one round's results and returns its ratios (with agent / without) by name, in order. */
    interface Round {
        Map<String, Double> print(Map<String, Result<?>> without, Map<String, Result<?>> with);
    }

    /**
     * {@code -Dveil.bench.rounds} (1) rounds of a fork without the agent ({@code without} values of {@code param})
     * and one with it ({@code with} values); each round is printed, and with more than one the median of each ratio.
     * Forks of one side differ by 10-30% on a shared VM; alternating lets the drift hit both sides alike.
     */
    static void compare(Class<?> benchmark, String param, String[] without, String[] with, String agentOption, Round round,
                        String... jvmArgs) throws Exception {
        int rounds = Integer.getInteger("veil.bench.rounds", 1);
        String[] withArgs = Arrays.copyOf(jvmArgs, jvmArgs.length + 1);
        withArgs[jvmArgs.length] = agentOption;
        Map<String, double[]> ratios = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            Map<String, Result<?>> a = run(benchmark, param, without, jvmArgs);
            Map<String, Result<?>> b = run(benchmark, param, with, withArgs);
            System.out.println();
            System.out.println("Round " + (r + 1) + " of " + rounds + ":");
            for (Map.Entry<String, Double> e : round.print(a, b).entrySet()) {
                ratios.computeIfAbsent(e.getKey(), k -> new double[rounds])[r] = e.getValue();
            }
        }
        if (rounds == 1) return;
        System.out.println();
        System.out.println("Median ratio (with agent / without) of " + rounds + " alternating rounds:");
        for (Map.Entry<String, double[]> e : ratios.entrySet()) {
            System.out.printf("%-40s %8.3f   (%s)%n", e.getKey(), median(e.getValue()), Arrays.stream(e.getValue())
                    .mapToObj(v -> String.format("%.3f", v)).collect(Collectors.joining(" ")));
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Every benchmark of {@code benchmark} for each value of {@code param}, in one fork: results by {@code method/value}. */
    static Map<String, Result<?>> run(Class<?> benchmark, String param, String[] values, String... jvmArgs) throws Exception {
        Collection<RunResult> results = new Runner(options(benchmark, jvmArgs).param(param, values).build()).run();
        Map<String, Result<?>> out = new HashMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            out.put(method + "/" + r.getParams().getParam(param), r.getPrimaryResult());
        }
        return out;
    }

    /** Every benchmark of {@code benchmark} in one fork, with the iterations described above. */
    private static ChainedOptionsBuilder options(Class<?> benchmark, String... jvmArgs) {
        return new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .forks(1)
                .warmupIterations(Integer.getInteger("veil.bench.warmup", 10))
                .measurementIterations(Integer.getInteger("veil.bench.iterations", 5))
                .warmupTime(iterationTime())
                .measurementTime(iterationTime())
                .jvmArgsAppend(jvmArgs);
    }

    /** {@code -Dveil.bench.seconds} per iteration (2), or {@code -Dveil.bench.millis} for the build's smoke run. */
    static TimeValue iterationTime() {
        return TimeValue.milliseconds(Long.getLong("veil.bench.millis", 1000L * Integer.getInteger("veil.bench.seconds", 2)));
    }

    static String fmt(Result<?> r) {
        return String.format("%.1f ± %.1f", r.getScore(), r.getScoreError());
    }
}
