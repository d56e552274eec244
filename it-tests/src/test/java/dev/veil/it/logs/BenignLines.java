package dev.veil.it.logs;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Realistic log lines that hold no secret, generated from a fixed seed (so the test regenerates them). */
public final class BenignLines {
    public static final int COUNT = 12_000;
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private BenignLines() {}

    public static List<String> generate(int count) {
        Random r = new Random(20240611L);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(switch (i % 12) {
                case 0 -> "request " + new UUID(r.nextLong(), r.nextLong()) + " completed in " + r.nextInt(900) + " ms";
                case 1 -> "checked out commit " + hex(r, 40) + " on branch feature/" + word(r, 8);
                case 2 -> "avatar data:image/png;base64," + Base64.getEncoder().encodeToString(bytes(r, 96));
                case 3 -> "bearer-ish eyJ" + word(r, 20) + "." + word(r, 12) + " (not a JWT: two parts)";
                case 4 -> "resolved com.example." + word(r, 12) + ".internal." + word(r, 18) + "Factory$" + word(r, 9) + "Impl#create_" + r.nextInt(99);
                case 5 -> "sha256=" + hex(r, 64) + " size=" + r.nextInt(1 << 20);
                case 6 -> "GET https://api.example.com/v1/items/" + r.nextInt(100000) + "?page=" + r.nextInt(50) + "&sort=desc 200";
                case 7 -> "user " + word(r, 7) + "@example.org asked for a password reset; token sent by mail";
                case 8 -> "cache key " + word(r, 32) + " evicted after " + r.nextInt(3600) + "s";
                case 9 -> "connecting to jdbc:postgresql://db-" + r.nextInt(9) + ".internal:5432/orders?ssl=true&user=reader";
                case 10 -> "task-" + hex(r, 12) + " skipped: sk-learn model " + word(r, 6) + " not loaded";
                default -> "build " + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(r, 18)) + " ok, key-id " + hex(r, 16);
            });
        }
        return out;
    }

    private static String hex(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(Character.forDigit(r.nextInt(16), 16));
        return b.toString();
    }

    private static String word(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
        return b.toString();
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
