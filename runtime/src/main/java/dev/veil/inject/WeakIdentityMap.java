package dev.veil.inject;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-object state for objects Veil does not own (connections), keyed by identity and held weakly,
 * so a closed and forgotten connection is never kept alive. A lookup on an empty map costs one read.
 * Thread-safe.
 */
public final class WeakIdentityMap<V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

    public void put(Object key, V value) {
        expunge();
        map.put(new WeakKey(key, queue), value);
    }

    public V get(Object key) {
        if (key == null || map.isEmpty()) return null;
        return map.get(new Lookup(key));
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    private void expunge() {
        for (Object k; (k = queue.poll()) != null; ) map.remove(k);
    }

    private static final class WeakKey extends WeakReference<Object> {
        private final int hash;

        WeakKey(Object key, ReferenceQueue<Object> queue) {
            super(key, queue);
            this.hash = System.identityHashCode(key);
        }

        @Override public int hashCode() { return hash; }

        @Override public boolean equals(Object o) {
            if (this == o) return true;
            Object mine = get();
            return mine != null && o instanceof Lookup && ((Lookup) o).key == mine;
        }
    }

    /** A short-lived strong key for lookups; ConcurrentHashMap compares it with {@code lookup.equals(stored)}. */
    private static final class Lookup {
        private final Object key;

        Lookup(Object key) { this.key = key; }

        @Override public int hashCode() { return System.identityHashCode(key); }

        @Override public boolean equals(Object o) {
            return o instanceof WeakKey && ((WeakKey) o).get() == key;
        }
    }
}
