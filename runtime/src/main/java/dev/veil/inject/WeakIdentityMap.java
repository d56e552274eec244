package dev.veil.inject;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-object state for objects Veil does not own (connections), keyed by identity and held weakly,
 * so a closed and forgotten connection is never kept alive. A lookup runs on every statement: it takes
 * no lock and allocates nothing (a hash table of immutable chains, replaced whole on a change); a
 * {@link #put} or {@link #remove} locks, and a put also drops the entries of keys already collected. Thread-safe.
 */
public final class WeakIdentityMap<V> {
    private static final int INITIAL_BUCKETS = 16;

    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    /**
     * The classes of the keys ever put, held weakly: few (one per driver). Objects of other classes (a pool's proxy
     * connections, made anew for every borrow) are answered at once, without their identity hash, which the JVM
     * would first have to make for each. Written under the lock.
     */
    @SuppressWarnings("unchecked")
    private volatile WeakReference<Class<?>>[] keyClasses = new WeakReference[0];
    private volatile AtomicReferenceArray<Entry<V>> buckets = new AtomicReferenceArray<>(INITIAL_BUCKETS);
    /** Entries in {@link #buckets}, collected keys included until they are dropped. Written under the lock. */
    private volatile int size;

    public V get(Object key) {
        if (key == null || size == 0 || !ofAKeyClass(key)) return null;
        AtomicReferenceArray<Entry<V>> b = buckets;
        int hash = System.identityHashCode(key);
        for (Entry<V> e = b.get(hash & (b.length() - 1)); e != null; e = e.next) {
            if (e.hash == hash && e.get() == key) return e.value;
        }
        return null;
    }

    /** Maps {@code key} to {@code value}, replacing any value it had. */
    public synchronized void put(Object key, V value) {
        if (key == null) throw new NullPointerException("key");
        if (!ofAKeyClass(key)) {
            WeakReference<Class<?>>[] known = Arrays.copyOf(keyClasses, keyClasses.length + 1);
            known[known.length - 1] = new WeakReference<>(key.getClass());
            keyClasses = known;
        }
        dropCollected();
        AtomicReferenceArray<Entry<V>> b = buckets;
        int hash = System.identityHashCode(key);
        int i = hash & (b.length() - 1);
        b.set(i, new Entry<>(key, hash, value, without(b.get(i), key), collected));
        size++;
        if (size > b.length() / 4 * 3) grow();
    }

    private boolean ofAKeyClass(Object key) {
        Class<?> type = key.getClass();
        for (WeakReference<Class<?>> known : keyClasses) {
            if (known.get() == type) return true;
        }
        return false;
    }

    /** Forgets {@code key}; takes no lock when it is not there. */
    public void remove(Object key) {
        if (get(key) == null) return;
        synchronized (this) {
            AtomicReferenceArray<Entry<V>> b = buckets;
            int i = System.identityHashCode(key) & (b.length() - 1);
            Entry<V> head = b.get(i);
            Entry<V> kept = without(head, key);
            if (kept != head) b.set(i, kept);
        }
    }

    public boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Drops the entries whose keys were collected. */
    private void dropCollected() {
        AtomicReferenceArray<Entry<V>> b = buckets;
        for (Object ref; (ref = collected.poll()) != null; ) {
            int i = ((Entry<?>) ref).hash & (b.length() - 1);
            Entry<V> head = b.get(i);
            Entry<V> kept = without(head, null);
            if (kept != head) b.set(i, kept);
        }
    }

    /**
     * The chain {@code head} without {@code key}'s entry and without entries of collected keys (the same chain when
     * there is neither); {@link #size} counts what was left out. Entries are immutable, so the part before the last
     * one left out is copied, and readers keep walking the old chain undisturbed.
     */
    private Entry<V> without(Entry<V> head, Object key) {
        Entry<V> lastOut = null;
        for (Entry<V> e = head; e != null; e = e.next) {
            Object k = e.get();
            if (k == null || k == key) lastOut = e;
        }
        if (lastOut == null) return head;
        Entry<V> rest = lastOut.next;
        int dropped = 1;
        // Copy the entries before lastOut that stay, in order, in front of what follows it.
        Entry<V>[] before = chainBefore(head, lastOut);
        for (int j = before.length - 1; j >= 0; j--) {
            Entry<V> e = before[j];
            Object k = e.get();
            if (k == null || k == key) {
                dropped++;
            } else {
                rest = new Entry<>(k, e.hash, e.value, rest, collected);
            }
        }
        size -= dropped;
        return rest;
    }

    @SuppressWarnings("unchecked")
    private static <V> Entry<V>[] chainBefore(Entry<V> head, Entry<V> stop) {
        int n = 0;
        for (Entry<V> e = head; e != stop; e = e.next) n++;
        Entry<V>[] out = new Entry[n];
        n = 0;
        for (Entry<V> e = head; e != stop; e = e.next) out[n++] = e;
        return out;
    }

    private void grow() {
        AtomicReferenceArray<Entry<V>> old = buckets;
        AtomicReferenceArray<Entry<V>> b = new AtomicReferenceArray<>(old.length() * 2);
        int live = 0;
        for (int i = 0; i < old.length(); i++) {
            for (Entry<V> e = old.get(i); e != null; e = e.next) {
                Object k = e.get();
                if (k == null) continue;
                int j = e.hash & (b.length() - 1);
                b.set(j, new Entry<>(k, e.hash, e.value, b.get(j), collected));
                live++;
            }
        }
        buckets = b;
        size = live;
    }

    private static final class Entry<V> extends WeakReference<Object> {
        final int hash;
        final V value;
        final Entry<V> next;

        Entry(Object key, int hash, V value, Entry<V> next, ReferenceQueue<Object> queue) {
            super(key, queue);
            this.hash = hash;
            this.value = value;
            this.next = next;
        }
    }
}
