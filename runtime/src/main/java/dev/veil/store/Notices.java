package dev.veil.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One-line notices on stderr, each printed at most once per JVM. Never carries a value. */
final class Notices {
    private static final Set<String> SHOWN = ConcurrentHashMap.newKeySet();

    private Notices() {}

    static void once(String key, String message) {
        if (SHOWN.add(key)) System.err.println("veil: " + message);
    }
}
