package dev.veil.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Every benchmark, with and without the agent, in a smoke run of one short iteration: the build proves they
 * still run and produce scores. It says nothing about speed; the figures come from full runs (README).
 */
class BenchmarksSmokeTest {
    @BeforeAll
    static void smoke() {
        System.setProperty("veil.bench.warmup", "0");
        System.setProperty("veil.bench.iterations", "1");
        System.setProperty("veil.bench.millis", "100");
        System.setProperty("veil.bench.runs", "1");
        // A smoke run measures nothing, so another JMH run on the machine (which the lock guards) does not matter.
        System.setProperty("jmh.ignoreLock", "true");
    }

    @Test
    void httpRoundTripsAndStartUp() throws Exception {
        AgentOverhead.main(new String[0]);
    }

    @Test
    void jdbc() throws Exception {
        JdbcOverhead.main(new String[0]);
    }

    @Test
    void loggingWithAndWithoutTheAgent() throws Exception {
        String agent = "-javaagent:" + BenchSetup.create().agentJar;
        Map<String, Double> without = scores(LoggingBenchmark.WithoutAgent.class);
        Map<String, Double> with = scores(LoggingBenchmark.WithAgent.class, agent);
        assertEquals(6, without.size(), without.toString());
        assertEquals(without.keySet(), with.keySet());
    }

    @Test
    void scrubberAndScanner() throws Exception {
        assertTrue(scores(ScrubberBenchmark.class).size() > 0);
        assertTrue(scores(ScannerBenchmark.class).size() > 0);
        assertEquals(16, scores(LogLineScrub.class).size());
    }

    /** Scores by method (and parameters) of the benchmarks in {@code benchmarks}, each one finite and positive. */
    private static Map<String, Double> scores(Class<?> benchmarks, String... jvmArgs) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(Pattern.quote(benchmarks.getCanonicalName()) + "\\.")
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(AgentOverhead.iterationTime())
                .jvmArgsAppend(jvmArgs)
                .build()).run();
        Map<String, Double> scores = new TreeMap<>();
        for (RunResult r : results) {
            Result<?> primary = r.getPrimaryResult();
            assertTrue(primary.getScore() > 0 && Double.isFinite(primary.getScore()), r.getParams().getBenchmark());
            StringBuilder key = new StringBuilder(r.getParams().getBenchmark().replaceAll(".*\\.", ""));
            for (String k : r.getParams().getParamsKeys()) key.append(' ').append(k).append('=').append(r.getParams().getParam(k));
            scores.put(key.toString(), primary.getScore());
        }
        return scores;
    }
}
