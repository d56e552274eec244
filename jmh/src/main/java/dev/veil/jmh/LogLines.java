package dev.veil.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Deterministic, realistic log lines and secret-like values for the benchmarks. */
final class LogLines {
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private LogLines() {}

    static List<String> values(int n, long seed) {
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(random(rnd, ALNUM, 24 + rnd.nextInt(28)));
        }
        return out;
    }

    static String random(Random rnd, String alphabet, int len) {
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** {@code count} clean log lines, about 100 to 150 chars each. */
    static List<String> clean(int count, long seed) {
        Random rnd = new Random(seed);
        String[] templates = {
            "2024-05-01T10:%s:%s.123Z INFO  [http-nio-8080-exec-%s] c.e.orders.OrderService - order %s created for customer %s",
            "2024-05-01T10:%s:%s.456Z DEBUG [worker-%s] GET https://api.example.com/v1/items?page=%s&limit=%s -> 200 in 12ms",
            "2024-05-01T10:%s:%s.789Z WARN  [pool-%s] retrying request id=%s attempt=%s after connection reset",
            "\tat com.example.orders.internal.OrderRepository.findByCustomer(OrderRepository.java:%s) [%s/%s] %s",
            "2024-05-01T10:%s:%s.000Z INFO  [main] commit %s deployed, build %s",
        };
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String t = templates[i % templates.length];
            String id = i % 5 == 4 ? random(rnd, "0123456789abcdef", 40) : new UUID(rnd.nextLong(), rnd.nextLong()).toString();
            out.add(String.format(t, rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(16), id, rnd.nextInt(100000)));
        }
        return out;
    }

    /** The clean lines with {@code insert(i)} spliced into the middle of line i. */
    static List<String> withInserted(List<String> lines, java.util.function.IntFunction<String> insert) {
        List<String> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            int mid = l.indexOf(' ', l.length() / 2);
            out.add(l.substring(0, mid + 1) + insert.apply(i) + l.substring(mid));
        }
        return out;
    }

    static long totalBytes(List<String> lines) {
        long n = 0;
        for (String l : lines) {
            n += l.length();
        }
        return n;
    }
}
