package dev.veil.jmh;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up time a hello-world JVM gains from the agent: median wall time of {@code -Dveil.bench.runs} (default 15)
 * child JVM runs without and with {@code -javaagent} (rules with one credential), alternating so that machine
 * drift hits both alike, after two discarded runs of each.
 */
public final class StartupOverhead {
    private StartupOverhead() {}

    public static void main(String[] args) throws Exception {
        BenchSetup setup = BenchSetup.create();
        System.out.println(measure(setup));
    }

    static String measure(BenchSetup setup) throws Exception {
        int runs = Integer.getInteger("veil.bench.runs", 15);
        List<String> plain = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Hello.class.getName());
        List<String> agent = new ArrayList<>(plain);
        agent.add(1, setup.agentOption());
        for (int i = 0; i < 2; i++) {
            time(plain);
            time(agent);
        }
        double[] without = new double[runs];
        double[] with = new double[runs];
        for (int i = 0; i < runs; i++) {
            without[i] = time(plain);
            with[i] = time(agent);
        }
        double a = AgentOverhead.median(without) / 1e6;
        double b = AgentOverhead.median(with) / 1e6;
        return String.format("hello-world JVM start-up, median of %d runs: without agent %.1f ms, with agent %.1f ms, added %.1f ms (x%.2f)",
                runs, a, b, b - a, b / a);
    }

    private static long time(List<String> command) throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("child failed: " + command + "\n" + new String(out));
        }
        return System.nanoTime() - start;
    }
}
