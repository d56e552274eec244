package dev.veil.jmh;

import java.util.Map;
import org.openjdk.jmh.results.Result;

/**
 * {@code java -Dveil.agent.jar=... -cp benchmarks.jar dev.veil.jmh.JdbcOverhead}: runs {@link JdbcBenchmark} in a
 * fork without the agent (the real password) and one with it (the placeholder, injected under a read-only
 * grant), and prints the ratios. Iterations as {@link AgentOverhead}.
 */
public final class JdbcOverhead {
    private JdbcOverhead() {}

    public static void main(String[] args) throws Exception {
        BenchSetup setup = BenchSetup.create();
        String realKey = "-Dveil.bench.realkey=" + setup.realKeyFile;
        Map<String, Result<?>> without = AgentOverhead.run(JdbcBenchmark.class, "password", new String[] {"real"}, realKey);
        Map<String, Result<?>> with = AgentOverhead.run(JdbcBenchmark.class, "password", new String[] {"placeholder"}, realKey, setup.agentOption());
        System.out.println();
        System.out.println("H2 in-memory, us/op (lower is better); ratio = agent with veil:bench-db / no agent with the password");
        System.out.printf("%-22s %16s %16s %8s%n", "benchmark", "no agent", "agent", "ratio");
        for (String name : new String[] {"driverManagerConnect", "hikariBorrow", "preparedQuery"}) {
            Result<?> a = without.get(name + "/real");
            Result<?> b = with.get(name + "/placeholder");
            System.out.printf("%-22s %16s %16s %8.3f%n", name, AgentOverhead.fmt(a), AgentOverhead.fmt(b), b.getScore() / a.getScore());
        }
    }
}
